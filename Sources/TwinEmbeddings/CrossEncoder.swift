import Foundation
import TwinCore
import TwinTensor
import TwinTokenizers
import TwinWeights

/// A BERT cross-encoder: scores (query, passage) pairs by reading them together.
///
/// The pair is encoded as `[CLS] query [SEP] passage [SEP]` with token types 0 then 1, run
/// through the encoder, and the `[CLS]` state goes through the pooler (`tanh(W·h + b)`) and the
/// classifier, as `BertForSequenceClassification` does. Rerankers such as
/// cross-encoder/ms-marco-MiniLM have one label; its logit is the relevance score.
public final class CrossEncoder: Sendable {
  public let maxLength: Int
  public let labelCount: Int
  let tokenizer: WordPieceTokenizer
  let encoder: BertEncoder
  let pooler: Linear
  let classifier: Linear

  public init(modelDirectory: URL, maxLength: Int = 512) throws {
    let config = try BertConfig.load(modelDirectory.appendingPathComponent("config.json"))
    tokenizer = try WordPieceTokenizer.load(directory: modelDirectory)
    let weightsURL = modelDirectory.appendingPathComponent("model.safetensors")
    let weights = try BertWeights.load(try SafetensorsFile(url: weightsURL), config: config)
    guard let pooler = weights.pooler, let classifier = weights.classifier else {
      throw TwinError.invalidInput(
        "\(weightsURL.path) has no pooler and classifier: not a sequence-classification (cross-encoder) model")
    }
    encoder = BertEncoder(config: config, weights: weights)
    self.pooler = pooler
    self.classifier = classifier
    labelCount = classifier.outputs
    self.maxLength = min(maxLength, config.maxPositions)
  }

  /// Token ids and types of a pair, truncated longest-first to ``maxLength``.
  public func encodePair(_ query: String, _ passage: String) -> (ids: [Int32], types: [Int32]) {
    var a = Array(tokenizer.encode(query, maxLength: nil).dropFirst().dropLast())
    var b = Array(tokenizer.encode(passage, maxLength: nil).dropFirst().dropLast())
    // Longest-first truncation, as Hugging Face tokenizers do for pairs: shorten the longer side.
    let budget = max(0, maxLength - 3)
    while a.count + b.count > budget {
      if a.count > b.count { a.removeLast() } else { b.removeLast() }
    }
    let ids = [tokenizer.clsID] + a + [tokenizer.sepID] + b + [tokenizer.sepID]
    let types = [Int32](repeating: 0, count: a.count + 2) + [Int32](repeating: 1, count: b.count + 1)
    return (ids, types)
  }

  /// The classifier's logits for each pair (`labelCount` each).
  public func logits(_ pairs: [(query: String, passage: String)]) throws -> [[Float]] {
    let encoded = pairs.map { encodePair($0.query, $0.passage) }
    let batch = TokenBatch(sequences: encoded.map(\.ids), types: encoded.map(\.types))
    let hidden = try encoder.encode(batch)
    let h = encoder.config.hiddenSize
    return (0..<batch.sequenceCount).map { s in
      let cls = Array(hidden[batch.starts[s] * h..<(batch.starts[s] + 1) * h])
      var pooled = Kernels.linear(Matrix(rows: 1, cols: h, storage: cls), pooler.weight, bias: pooler.bias)
      pooled.withUnsafeMutableBufferPointer { p in
        for i in p.indices { p[i] = tanh(p[i]) }
      }
      return Kernels.linear(pooled, classifier.weight, bias: classifier.bias).storage
    }
  }

  /// Relevance of each passage to `query`: the single logit passed through a sigmoid (what
  /// sentence-transformers' `CrossEncoder.predict` returns for one-label models), higher is more
  /// relevant. Models with several labels return their first label's logit.
  public func score(query: String, passages: [String]) async throws -> [Float] {
    try Task.checkCancellation()
    let pairs = passages.map { (query, $0) }
    let logits = try await BlockingWork.run { try self.logits(pairs) }
    return logits.map { labelCount == 1 ? 1 / (1 + exp(-$0[0])) : $0[0] }
  }
}
