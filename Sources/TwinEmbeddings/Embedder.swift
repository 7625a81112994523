import Foundation
import TwinCore
import TwinTensor
import TwinTokenizers
import TwinWeights

/// Sentence embeddings from a sentence-transformers BERT model, computed natively.
///
/// Runs the pipeline the model's `modules.json` describes (for all-MiniLM-L6-v2: BERT, mean
/// pooling over the tokens, L2 normalisation), with sequences truncated to the model's
/// `max_seq_length` (256 for MiniLM). Outputs match sentence-transformers to cosine ≥ 0.9999.
public final class Embedder: Sendable {
  /// A short identifier of the model (its directory name), recorded with stored vectors.
  public let modelID: String
  public let dimension: Int
  public let maxSequenceLength: Int
  /// Sentences per forward pass.
  public let batchSize: Int
  /// The encoder's hyper-parameters (from the model's `config.json`).
  public var config: BertConfig { encoder.config }
  let tokenizer: WordPieceTokenizer
  let encoder: BertEncoder
  let modules: SentenceTransformerModules

  /// Loads a model directory laid out like a Hugging Face sentence-transformers model:
  /// `config.json`, `model.safetensors`, `tokenizer.json` (or `vocab.txt`), and optionally
  /// `modules.json`, `sentence_bert_config.json` and the pooling config.
  public init(modelDirectory: URL, batchSize: Int = 32) throws {
    let config = try BertConfig.load(modelDirectory.appendingPathComponent("config.json"))
    modules = try SentenceTransformerModules.load(directory: modelDirectory, maxPositions: config.maxPositions)
    tokenizer = try WordPieceTokenizer.load(directory: modelDirectory)
    let weightsURL = modelDirectory.appendingPathComponent("model.safetensors")
    guard FileManager.default.fileExists(atPath: weightsURL.path) else {
      throw TwinError.notFound(kind: .file, name: weightsURL.path, hint: "the model's weights")
    }
    encoder = BertEncoder(config: config, weights: try BertWeights.load(try SafetensorsFile(url: weightsURL), config: config))
    modelID = modelDirectory.lastPathComponent
    dimension = config.hiddenSize
    maxSequenceLength = modules.maxSequenceLength
    self.batchSize = max(1, batchSize)
  }

  /// Embeds `texts`, one vector of ``dimension`` floats each, in order.
  ///
  /// The work is CPU work spread over ``Parallel/threadCount`` threads. Each batch runs off the
  /// cooperative thread pool (see ``BlockingWork``), and cancellation is checked between batches.
  public func embed(_ texts: [String]) async throws -> [[Float]] {
    var result: [[Float]] = []
    result.reserveCapacity(texts.count)
    var start = 0
    while start < texts.count {
      try Task.checkCancellation()
      let end = min(start + batchSize, texts.count)
      let batch = Array(texts[start..<end])
      result += try await BlockingWork.run { try self.embedBatch(batch) }
      start = end
    }
    return result
  }

  /// Token ids as the model sees them ([CLS] … [SEP], truncated to ``maxSequenceLength``).
  public func tokenize(_ text: String) -> [Int32] {
    tokenizer.encode(text, maxLength: maxSequenceLength)
  }

  func embedBatch(_ texts: [String]) throws -> [[Float]] {
    let batch = TokenBatch(sequences: tokenizer.encodeBatch(texts, maxLength: maxSequenceLength))
    let hidden = try encoder.encode(batch)
    let h = dimension
    return hidden.withUnsafeBufferPointer { states in
      (0..<batch.sequenceCount).map { s in
        let rows = batch.range(s)
        var vector = [Float](repeating: 0, count: h)
        vector.withUnsafeMutableBufferPointer { v in
          let first = states.baseAddress! + rows.lowerBound * h
          switch modules.pooling {
          case .mean: Kernels.meanRows(first, rows: rows.count, cols: h, into: v.baseAddress!)
          case .cls: v.baseAddress!.update(from: first, count: h)
          case .max:
            v.baseAddress!.update(from: first, count: h)
            for r in 1..<max(rows.count, 1) {
              for c in 0..<h { v[c] = max(v[c], first[r * h + c]) }
            }
          }
          if modules.normalize { Kernels.l2Normalize(v.baseAddress!, count: h) }
        }
        return vector
      }
    }
  }
}

extension WordPieceTokenizer {
  /// The tokenizer of a model directory: `tokenizer.json` when present, else `vocab.txt`.
  static func load(directory: URL) throws -> WordPieceTokenizer {
    let json = directory.appendingPathComponent("tokenizer.json")
    if FileManager.default.fileExists(atPath: json.path) { return try WordPieceTokenizer(tokenizerJSON: json) }
    let vocab = directory.appendingPathComponent("vocab.txt")
    guard FileManager.default.fileExists(atPath: vocab.path) else {
      throw TwinError.notFound(kind: .file, name: "tokenizer.json or vocab.txt", hint: "neither is in \(directory.path)")
    }
    return try WordPieceTokenizer(vocabTXT: vocab)
  }
}
