import Foundation
import TwinGGUF
import TwinTensor

/// The Gemma 3 architecture.
///
/// Differences from Llama, per layer:
///
///     x = embed(token) · √d                                (embedding scaling)
///     h = RMSNorm(x) ⊙ w_attn_norm
///     q, k = RMSNorm per head ⊙ w_q_norm / w_k_norm        (QK-norm), then RoPE (halves layout)
///     a = Attention(q / √d_head, k, v)                      local layers: 512-token sliding window,
///                                                           RoPE base 10 000; every 6th layer global
///     x = x + RMSNorm(a W_oᵀ) ⊙ w_post_attn_norm            (post-norm)
///     h = RMSNorm(x) ⊙ w_ffn_norm
///     x = x + RMSNorm((GELU_tanh(h W_gateᵀ) ⊙ h W_upᵀ) W_downᵀ) ⊙ w_post_ffw_norm
///
/// The output head is tied to the token embedding. GGUF stores the norm weights with Gemma's
/// `1 + w` already applied.
public struct Gemma3Model: DecoderModel {
  public let hyperparameters: Hyperparameters
  let embeddings: QuantizedMatrix
  let outputNorm: [Float]
  let layers: [Layer]
  let globalRope: RotaryEmbedding
  let localRope: RotaryEmbedding
  let globalAttention: CausalAttention
  let localAttention: CausalAttention
  /// Every `globalEvery`-th layer attends globally; the rest use the sliding window.
  static let globalEvery = 6
  static let localRopeBase: Float = 10_000

  struct Layer: Sendable {
    var attentionNorm, queryNorm, keyNorm, postAttentionNorm: [Float]
    var query, key, value, attentionOutput: QuantizedMatrix
    var ffnNorm, postFFNNorm: [Float]
    var gate, up, down: QuantizedMatrix
  }

  public init(file: GGUFFile) throws {
    let h = try Hyperparameters(file: file)
    hyperparameters = h
    embeddings = try file.matrix(named: "token_embd.weight")
    outputNorm = try file.floats("output_norm.weight")
    layers = try (0..<h.layers).map { i in
      let p = "blk.\(i)."
      return Layer(
        attentionNorm: try file.floats(p + "attn_norm.weight"), queryNorm: try file.floats(p + "attn_q_norm.weight"),
        keyNorm: try file.floats(p + "attn_k_norm.weight"),
        postAttentionNorm: try file.floats(p + "post_attention_norm.weight"),
        query: try file.matrix(named: p + "attn_q.weight"), key: try file.matrix(named: p + "attn_k.weight"),
        value: try file.matrix(named: p + "attn_v.weight"), attentionOutput: try file.matrix(named: p + "attn_output.weight"),
        ffnNorm: try file.floats(p + "ffn_norm.weight"), postFFNNorm: try file.floats(p + "post_ffw_norm.weight"),
        gate: try file.matrix(named: p + "ffn_gate.weight"), up: try file.matrix(named: p + "ffn_up.weight"),
        down: try file.matrix(named: p + "ffn_down.weight"))
    }
    let window = try file.int("gemma3.attention.sliding_window")
    globalRope = RotaryEmbedding(dimensions: h.ropeDimensions, base: h.ropeBase, layout: .halves)
    localRope = RotaryEmbedding(dimensions: h.ropeDimensions, base: Self.localRopeBase, layout: .halves)
    // Gemma 3 (below 27B) scales the queries by 1/√d_head, before the scores (as llama.cpp).
    let scale = 1 / Float(h.headDimension).squareRoot()
    globalAttention = CausalAttention(
      heads: h.heads, kvHeads: h.kvHeads, headDimension: h.headDimension, scale: 1, queryScale: scale, window: nil)
    localAttention = CausalAttention(
      heads: h.heads, kvHeads: h.kvHeads, headDimension: h.headDimension, scale: 1, queryScale: scale, window: window)
  }

  static func isGlobal(layer: Int) -> Bool { layer % globalEvery == globalEvery - 1 }

  public func forward(_ tokens: [Int32], cache: KVCache, allLogits: Bool) throws -> [Float] {
    try forwardRun(tokens, cache: cache, allLogits: allLogits)
  }

  public func forward(batch tokens: [Int32], caches: [KVCache]) throws -> [[Float]] {
    try forwardStep(tokens, caches: caches)
  }
}

extension Gemma3Model: LayerStack {
  var layerCount: Int { layers.count }
  /// The output head is the token embedding (tied).
  var output: QuantizedMatrix { embeddings }

  func embed(_ tokens: [Int32], into scratch: DecoderScratch) {
    let d = hyperparameters.embedding
    for (t, token) in tokens.enumerated() { embeddings.dequantizeRow(Int(token), into: scratch.x + t * d) }
    Kernels.scale(scratch.x, by: Float(d).squareRoot(), count: tokens.count * d)
  }

  func layer(_ index: Int, scratch: DecoderScratch, pass: DecoderPass) {
    let h = hyperparameters
    let layer = layers[index]
    let n = pass.count
    let global = Self.isGlobal(layer: index)
    ReferenceArithmetic.rmsNorm(
      scratch.x, rows: n, cols: h.embedding, weight: layer.attentionNorm, epsilon: h.rmsEpsilon, into: scratch.normed)
    let (keys, values) = (scratch.k, scratch.v)
    var attentionInput = pass.input(scratch.normed)
    attentionInput.multiply([(layer.query, scratch.q), (layer.key, keys), (layer.value, values)])
    // QK-norm: every head's query and key vector normalised on its own.
    ReferenceArithmetic.rmsNorm(
      scratch.q, rows: n * h.heads, cols: h.headDimension, weight: layer.queryNorm, epsilon: h.rmsEpsilon,
      into: scratch.q)
    ReferenceArithmetic.rmsNorm(
      keys, rows: n * h.kvHeads, cols: h.headDimension, weight: layer.keyNorm, epsilon: h.rmsEpsilon, into: keys)
    pass.rotate(global ? globalRope : localRope, queries: scratch.q, keys: keys, hyperparameters: h)
    pass.store(keys: keys, values: values, layer: index, kvWidth: h.kvWidth)
    pass.attend(global ? globalAttention : localAttention, queries: scratch.q, layer: index, output: scratch.attended)
    var projection = pass.input(scratch.attended)
    projection.multiply(layer.attentionOutput, into: scratch.projected)
    ReferenceArithmetic.rmsNorm(
      scratch.projected, rows: n, cols: h.embedding, weight: layer.postAttentionNorm, epsilon: h.rmsEpsilon,
      into: scratch.projected)
    Kernels.add(scratch.x, scratch.projected, into: scratch.x, count: n * h.embedding)

    ReferenceArithmetic.rmsNorm(
      scratch.x, rows: n, cols: h.embedding, weight: layer.ffnNorm, epsilon: h.rmsEpsilon, into: scratch.normed)
    var feedForwardInput = pass.input(scratch.normed)
    feedForwardInput.multiply([(layer.gate, scratch.gate), (layer.up, scratch.up)])
    HalfPrecisionGELU.apply(scratch.gate, count: n * h.feedForward)
    Kernels.multiply(scratch.gate, scratch.up, into: scratch.gate, count: n * h.feedForward)
    var down = pass.input(scratch.gate)
    down.multiply(layer.down, into: scratch.projected)
    ReferenceArithmetic.rmsNorm(
      scratch.projected, rows: n, cols: h.embedding, weight: layer.postFFNNorm, epsilon: h.rmsEpsilon,
      into: scratch.projected)
    Kernels.add(scratch.x, scratch.projected, into: scratch.x, count: n * h.embedding)
  }
}
