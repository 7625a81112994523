/// A path left out of a repository document, and why.
public struct RepositorySkippedPath: Sendable, Equatable, CustomStringConvertible {
  /// Why a path was left out.
  public enum Reason: Sendable, Equatable, CustomStringConvertible {
    /// A vendored, build, cache or version-control directory (skipped with its contents).
    case ignoredDirectory
    /// A dependency lock file.
    case lockFile
    /// A symbolic link; links are never followed, so a repository cannot point the crawler at
    /// files outside it.
    case symbolicLink
    /// Neither a regular file nor a directory.
    case specialFile
    /// A NUL byte in the first 8 KiB.
    case binary
    /// Not valid UTF-8.
    case notUTF8
    /// Larger than the per-file limit.
    case tooLarge(bytes: Int)
    /// The file count limit was reached before this file.
    case fileLimitReached
    /// Adding this file would pass the total size limit.
    case totalSizeLimitReached

    public var description: String {
      switch self {
      case .ignoredDirectory: "ignored directory"
      case .lockFile: "lock file"
      case .symbolicLink: "symbolic link"
      case .specialFile: "not a regular file"
      case .binary: "binary"
      case .notUTF8: "not UTF-8 text"
      case .tooLarge(let bytes): "too large (\(bytes) bytes)"
      case .fileLimitReached: "file limit reached"
      case .totalSizeLimitReached: "total size limit reached"
      }
    }
  }

  /// The path relative to the repository root, `/`-separated; directories end in `/`.
  public var path: String
  public var reason: Reason

  public init(path: String, reason: Reason) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "\(path) (\(reason))" }
}
