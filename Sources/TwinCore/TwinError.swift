/// Errors every layer can raise. Messages name the input at fault (a file, a key, a link) so a
/// user can act on them without reading code; the case says what kind of failure it is, which
/// ``ErrorCategory`` turns into an exit code and an HTTP status.
public enum TwinError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The input is malformed or violates a rule; the message says which input and why.
  case invalidInput(String)
  /// A configuration file or variable is wrong; the message names the file and the key.
  case configuration(String)
  /// Something that should exist does not: a `kind` of thing called `name` (a path, an id, a
  /// link), and what to do about it when there is something to say.
  case notFound(kind: Thing, name: String, hint: String? = nil)
  /// A storage operation failed; nothing was written.
  case storage(String)

  /// What was looked for, in words: "not found: collection 'embedded_posts'".
  public struct Thing: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let file = Thing(rawValue: "file")
    public static let directory = Thing(rawValue: "directory")
    public static let workspace = Thing(rawValue: "workspace")
    public static let collection = Thing(rawValue: "collection")
    public static let trace = Thing(rawValue: "trace")
    public static let author = Thing(rawValue: "author")
    public static let artifact = Thing(rawValue: "artifact blob")
    public static let stepInput = Thing(rawValue: "step input")
    /// What a page, feed or export should have held (article text, feed entries, Shares.csv).
    public static let content = Thing(rawValue: "content")
    public static let dataset = Thing(rawValue: "dataset")
    public static let model = Thing(rawValue: "model")
    public static let experimentRun = Thing(rawValue: "experiment run")
  }

  public var description: String {
    switch self {
    case .invalidInput(let m): "invalid input: \(m)"
    case .configuration(let m): "configuration error: \(m)"
    case .notFound(let kind, let name, let hint): "not found: \(kind) \(name)" + (hint.map { " (\($0))" } ?? "")
    case .storage(let m): "storage error: \(m)"
    }
  }
}
