import Foundation
import TwinCore
import ZIPFoundation

/// Imports a person's LinkedIn posts from the data export LinkedIn emails them.
///
/// LinkedIn does not let crawlers read posts, but every member can download their data: a ZIP
/// whose `Shares.csv` lists each post (columns `Date`, `ShareLink`, `ShareCommentary`,
/// `SharedUrl`, `MediaUrl`, `Visibility`). The importer takes that ZIP, the extracted folder, or
/// the CSV itself. Columns are found by header name (any case, any order; a byte-order mark is
/// ignored), and only `ShareCommentary` is required. Posts without text (reshares with no
/// comment) are skipped and counted.
public struct LinkedInExportImporter: Sendable {
  /// The posts read from an export.
  public struct Result: Sendable, Equatable {
    /// One post per row with commentary, in file order.
    public var posts: [RawDocument]
    /// Rows skipped because their commentary was empty.
    public var skippedWithoutCommentary: Int
    /// Where the CSV was read from, e.g. `Shares.csv in /path/export.zip`.
    public var source: String
  }

  /// The largest `Shares.csv` read; the limit guards against a corrupt or hostile ZIP that
  /// inflates without end.
  public var maxCSVBytes: Int

  public init(maxCSVBytes: Int = 64 * 1024 * 1024) {
    self.maxCSVBytes = maxCSVBytes
  }

  /// The posts in the export at `url` (a `.zip`, a folder, or a `.csv`), attributed to
  /// `author`; ``read(from:author:)`` also tells how many rows were skipped.
  public func posts(from url: URL, author: User) throws -> [RawDocument] {
    try read(from: url, author: author).posts
  }

  /// Reads the posts in the export at `url` (a `.zip`, a folder, or a `.csv`), attributed to
  /// `author`.
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` naming the file (and the row, for malformed
  ///   rows), or ``TwinError/notFound(kind:name:hint:)`` when there is no `Shares.csv`.
  public func read(from url: URL, author: User) throws -> Result {
    let (bytes, source) = try readSharesCSV(at: url)
    let text = try decode(bytes, source: source)
    let records: [CSVParser.Record]
    do {
      records = try CSVParser.parse(text)
    } catch {
      throw TwinError.invalidInput("\(source): \(error)")
    }
    guard let header = records.first else {
      throw TwinError.invalidInput("\(source): the file is empty (expected a header row)")
    }
    let columns = try SharesColumns(header: header.fields, source: source)

    var posts: [RawDocument] = []
    var skipped = 0
    for (offset, record) in records.enumerated().dropFirst() {
      guard record.fields.count == header.fields.count else {
        throw TwinError.invalidInput(
          "\(source): row \(offset + 1) (line \(record.line)): expected \(header.fields.count) "
            + "fields like the header, found \(record.fields.count)")
      }
      guard let post = try columns.post(from: record.fields, author: author) else {
        skipped += 1
        continue
      }
      posts.append(post)
    }
    return Result(posts: posts, skippedWithoutCommentary: skipped, source: source)
  }

  // MARK: - Finding Shares.csv

  private static let sharesFileName = "shares.csv"

  private func readSharesCSV(at url: URL) throws -> (bytes: [UInt8], source: String) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw TwinError.notFound(kind: .file, name: url.path, hint: "the LinkedIn export")
    }
    if isDirectory.boolValue {
      let csv = try findShares(inDirectory: url)
      return (try readFile(csv), csv.path)
    }
    if try Self.isZIP(url) {
      return try readShares(inZIP: url)
    }
    return (try readFile(url), url.path)
  }

  private func findShares(inDirectory directory: URL) throws -> URL {
    let enumerator = FileManager.default.enumerator(atPath: directory.path)
    var matches: [String] = []
    while let relative = enumerator?.nextObject() as? String {
      if (relative as NSString).lastPathComponent.lowercased() == Self.sharesFileName {
        matches.append(relative)
      }
    }
    // The shallowest match, then the first by name: the export's own file, not a copy deeper in.
    let best = matches.min {
      ($0.split(separator: "/").count, $0) < ($1.split(separator: "/").count, $1)
    }
    guard let best else {
      throw TwinError.notFound(kind: .file, name: "Shares.csv", hint: "not in the LinkedIn export folder \(directory.path)")
    }
    return directory.appendingPathComponent(best)
  }

  private func readFile(_ url: URL) throws -> [UInt8] {
    let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
    let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
    guard size <= maxCSVBytes else {
      throw TwinError.invalidInput("\(url.path) is larger than \(maxCSVBytes) bytes")
    }
    do {
      return [UInt8](try Data(contentsOf: url))
    } catch {
      throw TwinError.invalidInput("cannot read \(url.path): \(error.localizedDescription)")
    }
  }

  /// Whether the file starts with a ZIP local-file signature (`PK\u{3}\u{4}`); the extension
  /// alone would miss renamed downloads.
  private static func isZIP(_ url: URL) throws -> Bool {
    guard let handle = try? FileHandle(forReadingFrom: url) else {
      throw TwinError.invalidInput("cannot open \(url.path)")
    }
    defer { try? handle.close() }
    let magic = (try? handle.read(upToCount: 4)) ?? nil
    return magic.map { [UInt8]($0) == [0x50, 0x4B, 0x03, 0x04] } ?? false
  }

  private func readShares(inZIP url: URL) throws -> (bytes: [UInt8], source: String) {
    let archive: Archive
    do {
      archive = try Archive(url: url, accessMode: .read)
    } catch {
      throw TwinError.invalidInput("\(url.path) is not a readable ZIP archive: \(error)")
    }
    let candidates = archive.filter {
      $0.type == .file
        && ($0.path as NSString).lastPathComponent.lowercased() == Self.sharesFileName
    }
    let entry = candidates.min {
      ($0.path.split(separator: "/").count, $0.path) < (
        $1.path.split(separator: "/").count, $1.path
      )
    }
    guard let entry else {
      throw TwinError.notFound(kind: .file, name: "Shares.csv", hint: "not in the LinkedIn export \(url.path)")
    }
    let source = "\(entry.path) in \(url.path)"
    guard entry.uncompressedSize <= UInt64(maxCSVBytes) else {
      throw TwinError.invalidInput("\(source) is larger than \(maxCSVBytes) bytes")
    }
    var bytes: [UInt8] = []
    let limit = maxCSVBytes
    do {
      _ = try archive.extract(entry) { chunk in
        // The header's size can lie; the data cannot.
        guard bytes.count + chunk.count <= limit else { throw CSVTooLarge() }
        bytes.append(contentsOf: chunk)
      }
    } catch is CSVTooLarge {
      throw TwinError.invalidInput("\(source) inflates past \(maxCSVBytes) bytes")
    } catch {
      throw TwinError.invalidInput("cannot extract \(source): \(error)")
    }
    return (bytes, source)
  }

  private struct CSVTooLarge: Error {}

  private func decode(_ bytes: [UInt8], source: String) throws -> String {
    let withoutBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    guard let text = String(validating: withoutBOM, as: UTF8.self) else {
      throw TwinError.invalidInput("\(source) is not UTF-8 text")
    }
    return text
  }
}
