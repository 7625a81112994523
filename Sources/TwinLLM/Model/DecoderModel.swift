import Foundation
import TwinGGUF

/// A decoder-only language model: token ids in, next-token logits out, with a KV cache.
public protocol DecoderModel: Sendable {
  var hyperparameters: Hyperparameters { get }
  /// Runs `tokens` at positions `cache.count…`, appending their keys and values to `cache`.
  ///
  /// - Parameter allLogits: Return logits for every position (`tokens.count × vocabulary`);
  ///   otherwise only for the last one.
  func forward(_ tokens: [Int32], cache: KVCache, allLogits: Bool) throws -> [Float]

  /// One decode step for several sequences at once (continuous batching): `tokens[i]` is the
  /// next token of the sequence whose cache is `caches[i]`, at position `caches[i].count`.
  /// The projections run matrix-matrix over all of them; attention runs per sequence over its
  /// own cache. Returns each sequence's next-token logits. (Architectures get both passes from
  /// one layer body by conforming to `LayerStack`.)
  func forward(batch tokens: [Int32], caches: [KVCache]) throws -> [[Float]]
}

/// Errors a model file can raise when it is loaded.
public enum ModelLoadError: Error, Sendable, Equatable, CustomStringConvertible {
  case unsupportedArchitecture(String, file: String)
  case badShape(tensor: String, expected: String, actual: String)
  /// A LoRA adapter file that cannot be applied to the model.
  case badAdapter(file: String, reason: String)

  public var description: String {
    switch self {
    case .badAdapter(let file, let reason): "\(file): \(reason)"
    case .unsupportedArchitecture(let arch, let file):
      "\(file): architecture '\(arch)' is not supported (llama, qwen2 and gemma3 are)"
    case .badShape(let tensor, let expected, let actual):
      "tensor '\(tensor)' has shape \(actual); expected \(expected)"
    }
  }
}

/// Loads the architecture a GGUF file declares.
public enum DecoderModels {
  public static func load(_ file: GGUFFile, adapter: GGUFFile? = nil) throws -> any DecoderModel {
    let architecture = try file.architecture
    switch architecture {
    case "llama", "qwen2": return try LlamaModel(file: file, adapter: adapter)
    case "gemma3":
      if let adapter {
        throw ModelLoadError.badAdapter(file: adapter.url.path, reason: "adapters apply to llama and qwen2 models, not gemma3")
      }
      return try Gemma3Model(file: file)
    default: throw ModelLoadError.unsupportedArchitecture(architecture, file: file.url.path)
    }
  }
}
