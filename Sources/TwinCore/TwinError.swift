/// Errors every layer can raise. Messages name the input at fault (a file, a key, a link) so a
/// user can act on them without reading code.
public enum TwinError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The input is malformed or violates a rule; the message says which input and why.
  case invalidInput(String)
  /// A configuration file or variable is wrong; the message names the file and the key.
  case configuration(String)
  /// Something that should exist does not (a user, a run, an artifact).
  case notFound(String)
  /// A storage operation failed; nothing was written.
  case storage(String)

  public var description: String {
    switch self {
    case .invalidInput(let m): "invalid input: \(m)"
    case .configuration(let m): "configuration error: \(m)"
    case .notFound(let m): "not found: \(m)"
    case .storage(let m): "storage error: \(m)"
    }
  }
}
