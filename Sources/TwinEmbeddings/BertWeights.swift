import Foundation
import TwinCore
import TwinTensor
import TwinWeights

/// One linear layer `y = x · Wᵀ + b`, with W packed once for the GEMM micro-kernel.
struct Linear: Sendable {
  var weight: PackedMatrix
  var bias: [Float]
  var outputs: Int { weight.rows }
}

/// The weights of one transformer layer (post-norm, as in BERT).
struct BertLayerWeights: Sendable {
  /// Query, key and value projections fused into one `[3h × h]` matrix: one GEMM instead of three.
  var qkv: Linear
  var attentionOutput: Linear
  var attentionNorm: (gamma: [Float], beta: [Float])
  var intermediate: Linear
  var output: Linear
  var outputNorm: (gamma: [Float], beta: [Float])
}

/// All of a BERT model's weights, read from safetensors and laid out for the kernels.
struct BertWeights: Sendable {
  var wordEmbeddings: [Float]
  var positionEmbeddings: [Float]
  var typeEmbeddings: [Float]
  var embeddingNorm: (gamma: [Float], beta: [Float])
  var layers: [BertLayerWeights]
  /// `tanh(W · h[CLS] + b)`: present in `BertForSequenceClassification` checkpoints.
  var pooler: Linear?
  /// The sequence-classification head, present in cross-encoders.
  var classifier: Linear?

  /// Loads the weights. Checkpoints name tensors with a `bert.` prefix when saved from a task
  /// model (`BertForSequenceClassification`) and without one when saved from `BertModel`.
  static func load(_ file: SafetensorsFile, config: BertConfig) throws -> BertWeights {
    let prefix = file.contains("bert.embeddings.word_embeddings.weight") ? "bert." : ""
    let h = config.hiddenSize

    func tensor(_ name: String, shape: [Int]) throws -> [Float] {
      let info = try file.info(name)
      guard info.shape == shape else {
        throw TwinError.invalidInput(
          "\(file.url.path): tensor \(name) has shape \(info.shape), expected \(shape) from config.json")
      }
      return try file.floats(name)
    }
    func linear(_ name: String, outputs: Int, inputs: Int) throws -> Linear {
      let w = try tensor(name + ".weight", shape: [outputs, inputs])
      let b = try tensor(name + ".bias", shape: [outputs])
      return Linear(weight: w.withUnsafeBufferPointer { PackedMatrix($0.baseAddress!, rows: outputs, cols: inputs) }, bias: b)
    }
    func norm(_ name: String) throws -> (gamma: [Float], beta: [Float]) {
      (try tensor(name + ".weight", shape: [h]), try tensor(name + ".bias", shape: [h]))
    }

    let e = prefix + "embeddings."
    var layers: [BertLayerWeights] = []
    for i in 0..<config.layerCount {
      let l = "\(prefix)encoder.layer.\(i)."
      let q = l + "attention.self.query"
      let k = l + "attention.self.key"
      let v = l + "attention.self.value"
      let fusedWeight = try tensor(q + ".weight", shape: [h, h]) + tensor(k + ".weight", shape: [h, h])
        + tensor(v + ".weight", shape: [h, h])
      let fusedBias = try tensor(q + ".bias", shape: [h]) + tensor(k + ".bias", shape: [h]) + tensor(v + ".bias", shape: [h])
      layers.append(
        BertLayerWeights(
          qkv: Linear(
            weight: fusedWeight.withUnsafeBufferPointer { PackedMatrix($0.baseAddress!, rows: 3 * h, cols: h) },
            bias: fusedBias),
          attentionOutput: try linear(l + "attention.output.dense", outputs: h, inputs: h),
          attentionNorm: try norm(l + "attention.output.LayerNorm"),
          intermediate: try linear(l + "intermediate.dense", outputs: config.intermediateSize, inputs: h),
          output: try linear(l + "output.dense", outputs: h, inputs: config.intermediateSize),
          outputNorm: try norm(l + "output.LayerNorm")))
    }
    var pooler: Linear?
    if file.contains(prefix + "pooler.dense.weight") {
      pooler = try linear(prefix + "pooler.dense", outputs: h, inputs: h)
    }
    var classifier: Linear?
    if file.contains("classifier.weight") {
      let labels = try file.info("classifier.weight").shape.first ?? 1
      classifier = try linear("classifier", outputs: labels, inputs: h)
    }
    return BertWeights(
      wordEmbeddings: try tensor(e + "word_embeddings.weight", shape: [config.vocabularySize, h]),
      positionEmbeddings: try tensor(e + "position_embeddings.weight", shape: [config.maxPositions, h]),
      typeEmbeddings: try tensor(e + "token_type_embeddings.weight", shape: [config.typeVocabularySize, h]),
      embeddingNorm: try norm(e + "LayerNorm"), layers: layers, pooler: pooler, classifier: classifier)
  }
}
