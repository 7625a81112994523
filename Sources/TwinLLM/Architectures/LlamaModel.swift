import Foundation
import TwinGGUF
import TwinTensor

/// The Llama architecture (SmolLM2, Llama 2/3, Mistral; Qwen 2 adds biases to q, k and v).
///
/// Per layer, for hidden states `x`:
///
///     h = RMSNorm(x) ⊙ w_attn_norm
///     q, k, v = h W_qᵀ (+ b_q), h W_kᵀ (+ b_k), h W_vᵀ (+ b_v);  RoPE(q), RoPE(k)
///     x = x + Attention(q, k, v) W_oᵀ                 (grouped-query, causal)
///     h = RMSNorm(x) ⊙ w_ffn_norm
///     x = x + (SiLU(h W_gateᵀ) ⊙ h W_upᵀ) W_downᵀ      (SwiGLU)
///
/// then `logits = RMSNorm(x) ⊙ w_output_norm · W_outputᵀ` (the output matrix is the token
/// embedding when the file has no separate one).
public struct LlamaModel: DecoderModel {
  public let hyperparameters: Hyperparameters
  let embeddings: QuantizedMatrix
  let output: QuantizedMatrix
  let outputNorm: [Float]
  let layers: [Layer]
  let rope: RotaryEmbedding
  let attention: CausalAttention
  /// A LoRA adapter applied on top of the weights, or nil.
  let adapter: AdapterWeights?

  struct Layer: Sendable {
    var attentionNorm: [Float]
    var query, key, value, attentionOutput: QuantizedMatrix
    var queryBias, keyBias, valueBias: [Float]?
    var ffnNorm: [Float]
    var gate, up, down: QuantizedMatrix
  }

  /// The model in `file`, with `adapter` (a GGUF LoRA adapter) applied on top when given.
  public init(file: GGUFFile, adapter: GGUFFile? = nil) throws {
    let h = try Hyperparameters(file: file)
    self.adapter = try adapter.map { try AdapterWeights(file: $0, base: h) }
    hyperparameters = h
    embeddings = try file.matrix(named: "token_embd.weight")
    output = file.contains(tensor: "output.weight") ? try file.matrix(named: "output.weight") : embeddings
    outputNorm = try file.floats("output_norm.weight")
    layers = try (0..<h.layers).map { i in
      let p = "blk.\(i)."
      func optional(_ name: String) throws -> [Float]? {
        file.contains(tensor: p + name) ? try file.floats(p + name) : nil
      }
      return Layer(
        attentionNorm: try file.floats(p + "attn_norm.weight"), query: try file.matrix(named: p + "attn_q.weight"),
        key: try file.matrix(named: p + "attn_k.weight"), value: try file.matrix(named: p + "attn_v.weight"),
        attentionOutput: try file.matrix(named: p + "attn_output.weight"), queryBias: try optional("attn_q.bias"),
        keyBias: try optional("attn_k.bias"), valueBias: try optional("attn_v.bias"),
        ffnNorm: try file.floats(p + "ffn_norm.weight"), gate: try file.matrix(named: p + "ffn_gate.weight"),
        up: try file.matrix(named: p + "ffn_up.weight"), down: try file.matrix(named: p + "ffn_down.weight"))
    }
    guard embeddings.columns == h.embedding, layers.first.map({ $0.query.rows == h.queryWidth }) ?? true else {
      throw ModelLoadError.badShape(
        tensor: "token_embd.weight / attn_q.weight", expected: "\(h.embedding) columns, \(h.queryWidth) query rows",
        actual: "\(embeddings.columns) columns")
    }
    // GGUF permutes Llama's q/k weights for adjacent-pair rotation; Qwen 2 keeps HF's halves.
    rope = RotaryEmbedding(
      dimensions: h.ropeDimensions, base: h.ropeBase, layout: h.architecture == "qwen2" ? .halves : .adjacentPairs)
    attention = CausalAttention(
      heads: h.heads, kvHeads: h.kvHeads, headDimension: h.headDimension,
      scale: 1 / Float(h.headDimension).squareRoot(), window: nil)
  }

  public func forward(_ tokens: [Int32], cache: KVCache, allLogits: Bool) throws -> [Float] {
    try forwardRun(tokens, cache: cache, allLogits: allLogits)
  }

  public func forward(batch tokens: [Int32], caches: [KVCache]) throws -> [[Float]] {
    try forwardStep(tokens, caches: caches)
  }
}

extension LlamaModel: LayerStack {
  var layerCount: Int { layers.count }

  func embed(_ tokens: [Int32], into scratch: DecoderScratch) {
    for (t, token) in tokens.enumerated() {
      embeddings.dequantizeRow(Int(token), into: scratch.x + t * hyperparameters.embedding)
    }
  }

  func layer(_ index: Int, scratch: DecoderScratch, pass: DecoderPass) {
    let h = hyperparameters
    let layer = layers[index]
    let n = pass.count
    ReferenceArithmetic.rmsNorm(
      scratch.x, rows: n, cols: h.embedding, weight: layer.attentionNorm, epsilon: h.rmsEpsilon, into: scratch.normed)
    let (keys, values) = (scratch.k, scratch.v)
    var attentionInput = pass.input(scratch.normed)
    attentionInput.multiply([(layer.query, scratch.q), (layer.key, keys), (layer.value, values)])
    if let b = layer.queryBias { addRows(b, to: scratch.q, rows: n) }
    if let b = layer.keyBias { addRows(b, to: keys, rows: n) }
    if let b = layer.valueBias { addRows(b, to: values, rows: n) }
    if let adapter {
      adapter.apply(layer: index, "attn_q", input: scratch.normed, inputs: h.embedding, rows: n, output: scratch.q, outputs: h.queryWidth)
      adapter.apply(layer: index, "attn_k", input: scratch.normed, inputs: h.embedding, rows: n, output: keys, outputs: h.kvWidth)
      adapter.apply(layer: index, "attn_v", input: scratch.normed, inputs: h.embedding, rows: n, output: values, outputs: h.kvWidth)
    }
    pass.rotate(rope, queries: scratch.q, keys: keys, hyperparameters: h)
    pass.store(keys: keys, values: values, layer: index, kvWidth: h.kvWidth)
    pass.attend(attention, queries: scratch.q, layer: index, output: scratch.attended)
    var projection = pass.input(scratch.attended)
    projection.multiply(layer.attentionOutput, into: scratch.projected)
    adapter?.apply(
      layer: index, "attn_output", input: scratch.attended, inputs: h.queryWidth, rows: n, output: scratch.projected,
      outputs: h.embedding)
    Kernels.add(scratch.x, scratch.projected, into: scratch.x, count: n * h.embedding)

    ReferenceArithmetic.rmsNorm(
      scratch.x, rows: n, cols: h.embedding, weight: layer.ffnNorm, epsilon: h.rmsEpsilon, into: scratch.normed)
    var feedForwardInput = pass.input(scratch.normed)
    feedForwardInput.multiply([(layer.gate, scratch.gate), (layer.up, scratch.up)])
    if let adapter {
      adapter.apply(layer: index, "ffn_gate", input: scratch.normed, inputs: h.embedding, rows: n, output: scratch.gate, outputs: h.feedForward)
      adapter.apply(layer: index, "ffn_up", input: scratch.normed, inputs: h.embedding, rows: n, output: scratch.up, outputs: h.feedForward)
    }
    ReferenceArithmetic.swiglu(scratch.gate, scratch.up, count: n * h.feedForward)
    var down = pass.input(scratch.gate)
    down.multiply(layer.down, into: scratch.projected)
    adapter?.apply(
      layer: index, "ffn_down", input: scratch.gate, inputs: h.feedForward, rows: n, output: scratch.projected,
      outputs: h.embedding)
    Kernels.add(scratch.x, scratch.projected, into: scratch.x, count: n * h.embedding)
  }
}

/// Adds `bias` to each of `rows` rows.
func addRows(_ bias: [Float], to x: UnsafeMutablePointer<Float>, rows: Int) {
  bias.withUnsafeBufferPointer { b in
    for r in 0..<rows { Kernels.add(x + r * b.count, b.baseAddress!, into: x + r * b.count, count: b.count) }
  }
}
