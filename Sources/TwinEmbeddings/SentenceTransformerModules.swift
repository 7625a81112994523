import Foundation
import TwinCore

/// What a sentence-transformers model directory asks for after the transformer: its
/// `modules.json` pipeline, the pooling mode and the sequence length.
///
/// all-MiniLM-L6-v2 is Transformer → Pooling (mean) → Normalize, with `max_seq_length` 256 in
/// `sentence_bert_config.json`. That 256 overrides the 128 fixed in its `tokenizer.json`, as
/// sentence-transformers does.
public struct SentenceTransformerModules: Sendable, Equatable {
  public enum Pooling: String, Sendable, Equatable {
    case mean
    case cls
    case max
  }

  public var pooling: Pooling
  public var normalize: Bool
  public var maxSequenceLength: Int

  public init(pooling: Pooling, normalize: Bool, maxSequenceLength: Int) {
    self.pooling = pooling
    self.normalize = normalize
    self.maxSequenceLength = maxSequenceLength
  }

  /// Reads the pipeline from a model directory. A directory without `modules.json` is treated
  /// as a bare BERT model: mean pooling, no normalisation, the position-embedding limit.
  public static func load(directory: URL, maxPositions: Int) throws -> SentenceTransformerModules {
    let modulesURL = directory.appendingPathComponent("modules.json")
    var result = SentenceTransformerModules(pooling: .mean, normalize: false, maxSequenceLength: maxPositions)
    guard FileManager.default.fileExists(atPath: modulesURL.path) else { return result }
    for module in try JSONFile.array(at: modulesURL) {
      let type = module["type"] as? String ?? ""
      let path = module["path"] as? String ?? ""
      switch type.split(separator: ".").last.map(String.init) ?? "" {
      case "Transformer":
        let config = directory.appendingPathComponent(path).appendingPathComponent("sentence_bert_config.json")
        if FileManager.default.fileExists(atPath: config.path),
          let length = try JSONFile.object(at: config)["max_seq_length"] as? Int
        {
          result.maxSequenceLength = min(length, maxPositions)
        }
      case "Pooling":
        let config = try JSONFile.object(at: directory.appendingPathComponent(path).appendingPathComponent("config.json"))
        let modes: [(String, Pooling)] = [
          ("pooling_mode_mean_tokens", .mean), ("pooling_mode_cls_token", .cls), ("pooling_mode_max_tokens", .max),
        ]
        let chosen = modes.filter { config[$0.0] as? Bool == true }
        guard chosen.count == 1 else {
          throw TwinError.invalidInput(
            "\(path)/config.json: exactly one of mean, cls or max pooling must be enabled")
        }
        result.pooling = chosen[0].1
      case "Normalize":
        result.normalize = true
      default:
        throw TwinError.invalidInput("\(modulesURL.path): module type '\(type)' is not supported")
      }
    }
    return result
  }
}
