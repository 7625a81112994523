import Foundation
import TwinCore

/// Exports and imports the whole warehouse in the Handbook's format.
public struct WarehouseExchange: Sendable {
  public var warehouse: any DataWarehouse

  public init(warehouse: any DataWarehouse) {
    self.warehouse = warehouse
  }

  /// Counts per exported file.
  public struct Counts: Sendable, Codable, Equatable {
    public var users = 0
    public var articles = 0
    public var posts = 0
    public var repositories = 0

    public init(users: Int = 0, articles: Int = 0, posts: Int = 0, repositories: Int = 0) {
      self.users = users
      self.articles = articles
      self.posts = posts
      self.repositories = repositories
    }

    public subscript(category: DocumentCategory) -> Int {
      get {
        switch category {
        case .articles: articles
        case .posts: posts
        case .repositories: repositories
        }
      }
      set {
        switch category {
        case .articles: articles = newValue
        case .posts: posts = newValue
        case .repositories: repositories = newValue
        }
      }
    }
  }

  /// Writes the four files into `directory` (created if needed). Each file is written to a
  /// temporary name and renamed, so an interrupted export never leaves a truncated file.
  public func export(to directory: URL) async throws -> Counts {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var counts = Counts()
    let users = try await warehouse.users()
    counts.users = users.count
    try AtomicFile.write(HandbookFormat.encode(users: users), to: directory.appendingPathComponent(HandbookFormat.userFile))
    for category in DocumentCategory.allCases {
      let documents = try await warehouse.documents(authorID: nil, category: category)
      counts[category] = documents.count
      try AtomicFile.write(
        HandbookFormat.encode(documents: documents),
        to: directory.appendingPathComponent(category.exportFileName))
    }
    return counts
  }

  /// Reads every file present in `directory`, validates all of it, then stores it in one
  /// transaction. A malformed file imports nothing; the error names the file and the entry.
  public func importDirectory(_ directory: URL) async throws -> (Counts, UpsertSummary) {
    var counts = Counts()
    var found = false
    var users: [User] = []
    let userPath = directory.appendingPathComponent(HandbookFormat.userFile)
    if let data = FileManager.default.contents(atPath: userPath.path) {
      found = true
      users = try HandbookFormat.decodeUsers(data, file: userPath.path)
      counts.users = users.count
    }
    var documents: [RawDocument] = []
    for category in DocumentCategory.allCases {
      let path = directory.appendingPathComponent(category.exportFileName)
      guard let data = FileManager.default.contents(atPath: path.path) else { continue }
      found = true
      let decoded = try HandbookFormat.decodeDocuments(data, file: path.path, category: category)
      counts[category] = decoded.count
      documents += decoded
    }
    guard found else {
      throw TwinError.invalidInput(
        "\(directory.path) has none of \(HandbookFormat.allFiles.joined(separator: ", "))")
    }
    try Self.checkDuplicates(documents)
    let summary = try await warehouse.importSnapshot(users: users, documents: documents)
    return (counts, summary)
  }

  /// Two entries with the same link would silently collapse into one row; say so instead.
  static func checkDuplicates(_ documents: [RawDocument]) throws {
    var firstByLink: [String: UUID] = [:]
    for doc in documents {
      guard let link = doc.link else { continue }
      if let other = firstByLink.updateValue(doc.id, forKey: link), other != doc.id {
        throw TwinError.invalidInput("documents \(other) and \(doc.id) share the link \(link)")
      }
    }
  }

}
