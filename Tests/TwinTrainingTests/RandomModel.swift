import TwinLLM
import TwinTestSupport
import TwinTraining

/// A small decoder with random weights, built in memory: grouped-query attention (4 query heads
/// on 2 key/value heads), Qwen-style q/k/v biases, and an untied head unless asked otherwise.
enum RandomModel {
  static func weights(seed: UInt64, tied: Bool = false, biases: Bool = true) -> FrozenDecoderWeights {
    var rng = SplitMix64(seed: seed)
    let shape = Hyperparameters(
      architecture: "qwen2", layers: 2, embedding: 16, feedForward: 24, heads: 4, kvHeads: 2, headDimension: 4,
      vocabulary: 40, contextLength: 64, rmsEpsilon: 1e-6, ropeBase: 10_000)
    func matrix(_ rows: Int, _ cols: Int, scale: Float) -> Tensor {
      Tensor(rows: rows, cols: cols, values: rng.floats(rows * cols, in: -scale...scale))
    }
    let layers = (0..<shape.layers).map { _ in
      var weights: [Projection: Tensor] = [:]
      var b: [Projection: [Float]] = [:]
      for p in Projection.allCases {
        let (out, inputs) = p.dimensions(shape)
        weights[p] = matrix(out, inputs, scale: 0.5)
        if biases, [.query, .key, .value].contains(p) { b[p] = rng.floats(out, in: -0.2...0.2) }
      }
      return FrozenLayer(
        attentionNorm: rng.floats(16, in: 0.8...1.2), feedForwardNorm: rng.floats(16, in: 0.8...1.2), weights: weights,
        biases: b)
    }
    return FrozenDecoderWeights(
      shape: shape, embeddings: matrix(40, 16, scale: 1), output: tied ? nil : matrix(40, 16, scale: 0.5),
      outputNorm: rng.floats(16, in: 0.8...1.2), layers: layers)
  }

  /// An adapter on every projection with random A and B (so both get gradients).
  static func adapter(for weights: FrozenDecoderWeights, seed: UInt64, dropout: Float = 0) -> LoRAAdapter {
    let adapter = LoRAAdapter(
      shape: weights.shape, configuration: LoRAConfiguration(rank: 3, alpha: 6, dropout: dropout), seed: seed)
    var rng = SplitMix64(seed: seed ^ 0xB)
    for p in adapter.parameters where p.name.hasSuffix("lora_B.weight") {
      p.value.assign(Tensor(rows: p.value.rows, cols: p.value.cols, values: rng.floats(p.value.count, in: -0.3...0.3)))
    }
    return adapter
  }

  /// Two samples packed into one sequence, the first with a 3-token prompt.
  static func sequence(seed: UInt64) -> PackedSequence {
    var rng = SplitMix64(seed: seed)
    var s = PackedSequence()
    let first = (0..<9).map { _ in Int32(rng.below(40)) }
    s.append(tokens: first, trained: first.indices.map { $0 >= 3 })
    let second = (0..<6).map { _ in Int32(rng.below(40)) }
    s.append(tokens: second, trained: second.map { _ in true })
    return s
  }
}
