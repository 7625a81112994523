import Foundation

/// Reads the text files of a checked-out repository, deterministically and within limits.
///
/// Directories are walked in sorted order, so the same commit always yields the same files even
/// when a limit cuts the walk short. Text is kept byte for byte: indentation, trailing spaces,
/// CRLF line ends and a byte-order mark all survive, because code's whitespace can be meaningful.
struct RepositoryFileWalker {
  var maxFileBytes: Int
  var maxFiles: Int
  var maxTotalBytes: Int

  /// The files kept (relative path → text) and the paths skipped.
  struct Result: Sendable, Equatable {
    var files: [String: String] = [:]
    var skipped: [RepositorySkippedPath] = []
  }

  /// Bytes examined for a NUL when telling binary files from text, as git itself does.
  static let binarySniffLength = 8 * 1024

  /// Walks the tree under `root`.
  func walk(_ root: URL) throws -> Result {
    var result = Result()
    var totalBytes = 0
    try walkDirectory(root, relative: "", into: &result, totalBytes: &totalBytes)
    return result
  }

  private func walkDirectory(
    _ directory: URL, relative: String, into result: inout Result, totalBytes: inout Int
  ) throws {
    let fileManager = FileManager.default
    let names = try fileManager.contentsOfDirectory(atPath: directory.path).sorted()
    for name in names {
      let url = directory.appendingPathComponent(name)
      let path = relative + name
      // attributesOfItem does not follow symbolic links, so a link is seen as a link.
      let attributes = try fileManager.attributesOfItem(atPath: url.path)
      let type = attributes[.type] as? FileAttributeType
      switch type {
      case .typeDirectory?:
        if RepositoryFileRules.skipsDirectory(named: name) {
          result.skipped.append(.init(path: path + "/", reason: .ignoredDirectory))
        } else {
          try walkDirectory(url, relative: path + "/", into: &result, totalBytes: &totalBytes)
        }
      case .typeRegular?:
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        switch try readFile(
          url, name: name, size: size, kept: result.files.count, totalBytes: totalBytes)
        {
        case .text(let text, let byteCount):
          result.files[path] = text
          totalBytes += byteCount
        case .skipped(let reason):
          result.skipped.append(.init(path: path, reason: reason))
        }
      case .typeSymbolicLink?:
        result.skipped.append(.init(path: path, reason: .symbolicLink))
      default:
        result.skipped.append(.init(path: path, reason: .specialFile))
      }
    }
  }

  private enum FileOutcome {
    case text(String, byteCount: Int)
    case skipped(RepositorySkippedPath.Reason)
  }

  /// Reads one regular file, given how many files and bytes are already kept.
  private func readFile(_ url: URL, name: String, size: Int, kept: Int, totalBytes: Int) throws
    -> FileOutcome
  {
    if RepositoryFileRules.isLockFile(named: name) { return .skipped(.lockFile) }
    if size > maxFileBytes { return .skipped(.tooLarge(bytes: size)) }
    if kept >= maxFiles { return .skipped(.fileLimitReached) }
    if totalBytes + size > maxTotalBytes { return .skipped(.totalSizeLimitReached) }

    let bytes = [UInt8](try Data(contentsOf: url))
    if bytes.prefix(Self.binarySniffLength).contains(0) { return .skipped(.binary) }
    guard let text = String(validating: bytes, as: UTF8.self) else { return .skipped(.notUTF8) }
    return .text(text, byteCount: bytes.count)
  }
}
