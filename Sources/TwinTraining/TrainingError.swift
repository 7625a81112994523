/// What can go wrong while training, with the input it concerns.
public enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A setting is out of its range.
  case invalidSetting(name: String, reason: String)
  /// The base model's architecture has no training implementation.
  case unsupportedArchitecture(String)
  /// A model or adapter file does not have the expected contents.
  case badFile(path: String, reason: String)
  /// The dataset gives nothing to train on.
  case emptyDataset(String)

  public var description: String {
    switch self {
    case .invalidSetting(let name, let reason): "\(name): \(reason)"
    case .unsupportedArchitecture(let a):
      "training supports the Llama family (llama, qwen2); this model's architecture is \(a)"
    case .badFile(let path, let reason): "\(path): \(reason)"
    case .emptyDataset(let name): "dataset \(name) has no sample to train on"
    }
  }
}
