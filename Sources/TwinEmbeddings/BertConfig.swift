import Foundation
import TwinCore

/// The hyper-parameters of a BERT encoder, read from a Hugging Face `config.json`.
public struct BertConfig: Sendable, Equatable {
  public var vocabularySize: Int
  public var hiddenSize: Int
  public var layerCount: Int
  public var headCount: Int
  public var intermediateSize: Int
  public var maxPositions: Int
  public var typeVocabularySize: Int
  public var layerNormEpsilon: Float
  /// Output labels of a sequence-classification head (cross-encoders), when present.
  public var labelCount: Int?

  public var headSize: Int { hiddenSize / headCount }

  /// Floating-point operations of the matrix products in one forward pass over a sequence of
  /// `tokens` tokens (a multiply-add counts two).
  ///
  /// Per layer and token, the Q/K/V, attention-output and two feed-forward projections cost
  /// `2·h·(3h + h + 2i)`; attention's `Q·Kᵀ` and `P·V` add `4·tokens·h`. LayerNorm, GELU and
  /// softmax are left out: they are a few percent and not products. This is the figure a
  /// benchmark divides by time to report GFLOP/s.
  public func forwardFLOPs(tokens: Int) -> Double {
    let h = Double(hiddenSize)
    let n = Double(tokens)
    let projections = 2 * h * (4 * h + 2 * Double(intermediateSize))
    let attention = 4 * n * h
    return Double(layerCount) * n * (projections + attention)
  }

  public init(
    vocabularySize: Int, hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int,
    maxPositions: Int, typeVocabularySize: Int, layerNormEpsilon: Float, labelCount: Int? = nil
  ) {
    self.vocabularySize = vocabularySize
    self.hiddenSize = hiddenSize
    self.layerCount = layerCount
    self.headCount = headCount
    self.intermediateSize = intermediateSize
    self.maxPositions = maxPositions
    self.typeVocabularySize = typeVocabularySize
    self.layerNormEpsilon = layerNormEpsilon
    self.labelCount = labelCount
  }

  /// Reads `config.json`. Only what this encoder implements is accepted: absolute position
  /// embeddings and the exact (erf) GELU, which is what `"gelu"` means in transformers.
  public static func load(_ url: URL) throws -> BertConfig {
    let object = try JSONFile.object(at: url)
    func int(_ key: String) throws -> Int {
      guard let v = object[key] as? Int, v > 0 else {
        throw TwinError.invalidInput("\(url.path): '\(key)' must be a positive integer")
      }
      return v
    }
    if let type = object["model_type"] as? String, type != "bert" {
      throw TwinError.invalidInput("\(url.path): model_type '\(type)' is not supported (expected 'bert')")
    }
    let activation = object["hidden_act"] as? String ?? "gelu"
    guard activation == "gelu" else {
      throw TwinError.invalidInput("\(url.path): hidden_act '\(activation)' is not supported (expected 'gelu')")
    }
    let positions = object["position_embedding_type"] as? String ?? "absolute"
    guard positions == "absolute" else {
      throw TwinError.invalidInput("\(url.path): position_embedding_type '\(positions)' is not supported")
    }
    let config = BertConfig(
      vocabularySize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
      layerCount: try int("num_hidden_layers"), headCount: try int("num_attention_heads"),
      intermediateSize: try int("intermediate_size"), maxPositions: try int("max_position_embeddings"),
      typeVocabularySize: (object["type_vocab_size"] as? Int) ?? 2,
      layerNormEpsilon: Float((object["layer_norm_eps"] as? Double) ?? 1e-12),
      labelCount: (object["id2label"] as? [String: Any])?.count ?? (object["num_labels"] as? Int))
    guard config.hiddenSize % config.headCount == 0 else {
      throw TwinError.invalidInput(
        "\(url.path): hidden_size \(config.hiddenSize) is not a multiple of num_attention_heads \(config.headCount)")
    }
    return config
  }
}

/// Reading small JSON configuration files with errors that name the file.
enum JSONFile {
  static func object(at url: URL) throws -> [String: Any] {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw TwinError.notFound(kind: .file, name: url.path, hint: "missing from the model directory")
    }
    do {
      guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw TwinError.invalidInput("\(url.path): expected a JSON object")
      }
      return object
    } catch let error as TwinError {
      throw error
    } catch {
      throw TwinError.invalidInput("\(url.path): invalid JSON (\(error.localizedDescription))")
    }
  }

  static func array(at url: URL) throws -> [[String: Any]] {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw TwinError.notFound(kind: .file, name: url.path, hint: "missing from the model directory")
    }
    guard let array = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
      throw TwinError.invalidInput("\(url.path): expected a JSON list of objects")
    }
    return array
  }
}
