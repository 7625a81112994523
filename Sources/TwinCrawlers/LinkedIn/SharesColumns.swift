import Foundation
import TwinCore

/// Where each `Shares.csv` column sits, and how a row becomes a post.
struct SharesColumns {
  var date: Int?
  var shareLink: Int?
  var commentary: Int
  var sharedURL: Int?
  var mediaURL: Int?

  /// Finds the columns by name, ignoring case and surrounding spaces.
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` naming `source` when `ShareCommentary` is missing.
  init(header: [String], source: String) throws {
    let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    func column(_ name: String) -> Int? { names.firstIndex(of: name.lowercased()) }
    guard let commentary = column("ShareCommentary") else {
      let found = header.joined(separator: ", ")
      throw TwinError.invalidInput(
        "\(source): no ShareCommentary column in the header (found: \(found))")
    }
    self.commentary = commentary
    date = column("Date")
    shareLink = column("ShareLink")
    sharedURL = column("SharedUrl")
    mediaURL = column("MediaUrl")
  }

  /// The post in `fields`, or nil when its commentary is empty.
  ///
  /// The commentary is kept exactly (line breaks and spacing are the author's); the other
  /// columns are trimmed, and empty ones are left out.
  func post(from fields: [String], author: User) throws -> RawDocument? {
    let text = fields[commentary]
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
    var content = DocumentContent([.content: text])
    if let value = value(date, in: fields) { content[.date] = value }
    if let value = value(sharedURL, in: fields) { content[.sharedURL] = value }
    return try RawDocument.post(
      content: content, platform: "linkedin", author: author,
      link: value(shareLink, in: fields), image: value(mediaURL, in: fields))
  }

  private func value(_ column: Int?, in fields: [String]) -> String? {
    guard let column else { return nil }
    let value = fields[column].trimmingCharacters(in: .whitespacesAndNewlines)
    return value.isEmpty ? nil : value
  }
}
