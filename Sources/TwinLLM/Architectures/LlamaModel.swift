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

  struct Layer: Sendable {
    var attentionNorm: [Float]
    var query, key, value, attentionOutput: QuantizedMatrix
    var queryBias, keyBias, valueBias: [Float]?
    var ffnNorm: [Float]
    var gate, up, down: QuantizedMatrix
  }

  public init(file: GGUFFile) throws {
    let h = try Hyperparameters(file: file)
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
    let h = hyperparameters
    let n = tokens.count
    guard n > 0 else { throw GenerationError.emptyPrompt }
    guard cache.remaining >= n else { throw GenerationError.contextFull(capacity: cache.capacity) }
    let start = cache.count
    let scratch = DecoderScratch(tokens: n, hyperparameters: h)
    defer { scratch.deallocate() }
    for (t, token) in tokens.enumerated() { embeddings.dequantizeRow(Int(token), into: scratch.x + t * h.embedding) }

    for (l, layer) in layers.enumerated() {
      ReferenceArithmetic.rmsNorm(
        scratch.x, rows: n, cols: h.embedding, weight: layer.attentionNorm, epsilon: h.rmsEpsilon, into: scratch.normed)
      let (keys, values) = (scratch.k, scratch.v)
      var attentionInput = SharedInput(scratch.normed, count: n)
      attentionInput.multiply([(layer.query, scratch.q), (layer.key, keys), (layer.value, values)])
      if let b = layer.queryBias { addRows(b, to: scratch.q, rows: n) }
      if let b = layer.keyBias { addRows(b, to: keys, rows: n) }
      if let b = layer.valueBias { addRows(b, to: values, rows: n) }
      Parallel.forRange(n, minChunk: 16) { tokens in
        for t in tokens {
          rope.apply(scratch.q + t * h.queryWidth, heads: h.heads, headDimension: h.headDimension, position: start + t)
          rope.apply(keys + t * h.kvWidth, heads: h.kvHeads, headDimension: h.headDimension, position: start + t)
        }
      }
      HalfPrecision.store(keys, count: n * h.kvWidth, into: cache.keys[l] + start * h.kvWidth)
      HalfPrecision.store(values, count: n * h.kvWidth, into: cache.values[l] + start * h.kvWidth)
      attention(
        queries: scratch.q, count: n, start: start, keys: cache.keys[l], values: cache.values[l],
        output: scratch.attended)
      layer.attentionOutput.matmul(scratch.attended, count: n, into: scratch.projected)
      Kernels.add(scratch.x, scratch.projected, into: scratch.x, count: n * h.embedding)

      ReferenceArithmetic.rmsNorm(
        scratch.x, rows: n, cols: h.embedding, weight: layer.ffnNorm, epsilon: h.rmsEpsilon, into: scratch.normed)
      var feedForwardInput = SharedInput(scratch.normed, count: n)
      feedForwardInput.multiply([(layer.gate, scratch.gate), (layer.up, scratch.up)])
      ReferenceArithmetic.swiglu(scratch.gate, scratch.up, count: n * h.feedForward)
      layer.down.matmul(scratch.gate, count: n, into: scratch.projected)
      Kernels.add(scratch.x, scratch.projected, into: scratch.x, count: n * h.embedding)
    }
    cache.advance(by: n)
    return scratch.logits(
      rows: allLogits ? 0..<n : (n - 1)..<n, norm: outputNorm, epsilon: h.rmsEpsilon, output: output)
  }
}

extension LlamaModel {
  /// The batched decode step: the same layers as ``forward(_:cache:allLogits:)`` with one row
  /// per sequence, except that each row has its own position, and its key and value go to its
  /// own cache, which its query alone attends to.
  public func forward(batch tokens: [Int32], caches: [KVCache]) throws -> [[Float]] {
    let h = hyperparameters
    let n = tokens.count
    precondition(caches.count == n, "one cache per token")
    guard n > 0 else { return [] }
    if n == 1 { return [try forward(tokens, cache: caches[0], allLogits: false)] }
    for cache in caches where cache.remaining < 1 { throw GenerationError.contextFull(capacity: cache.capacity) }
    let scratch = DecoderScratch(tokens: n, hyperparameters: h)
    defer { scratch.deallocate() }
    let (newKeys, newValues) = (scratch.k, scratch.v)
    let positions = caches.map(\.count)
    // Up to four sequences the matrix-vector kernels, once per sequence, beat the matrix-matrix
    // ones (which unpack each weight tile once for up to eight vectors); measured on SmolLM2.
    let byVector = n <= 4
    for (t, token) in tokens.enumerated() { embeddings.dequantizeRow(Int(token), into: scratch.x + t * h.embedding) }

    for (l, layer) in layers.enumerated() {
      ReferenceArithmetic.rmsNorm(
        scratch.x, rows: n, cols: h.embedding, weight: layer.attentionNorm, epsilon: h.rmsEpsilon, into: scratch.normed)
      var attentionInput = SharedInput(scratch.normed, count: n, byVector: byVector)
      attentionInput.multiply(layer.query, into: scratch.q)
      attentionInput.multiply(layer.key, into: newKeys)
      attentionInput.multiply(layer.value, into: newValues)
      if let b = layer.queryBias { addRows(b, to: scratch.q, rows: n) }
      if let b = layer.keyBias { addRows(b, to: newKeys, rows: n) }
      if let b = layer.valueBias { addRows(b, to: newValues, rows: n) }
      for t in 0..<n {
        rope.apply(scratch.q + t * h.queryWidth, heads: h.heads, headDimension: h.headDimension, position: positions[t])
        rope.apply(newKeys + t * h.kvWidth, heads: h.kvHeads, headDimension: h.headDimension, position: positions[t])
      }
      for (t, cache) in caches.enumerated() {
        HalfPrecision.store(newKeys + t * h.kvWidth, count: h.kvWidth, into: cache.keys[l] + positions[t] * h.kvWidth)
        HalfPrecision.store(
          newValues + t * h.kvWidth, count: h.kvWidth, into: cache.values[l] + positions[t] * h.kvWidth)
      }
      attention.decodeBatch(
        queries: scratch.q, positions: positions, keys: caches.map { UnsafePointer($0.keys[l]) },
        values: caches.map { UnsafePointer($0.values[l]) }, output: scratch.attended)
      var projection = SharedInput(scratch.attended, count: n, byVector: byVector)
      projection.multiply(layer.attentionOutput, into: scratch.projected)
      Kernels.add(scratch.x, scratch.projected, into: scratch.x, count: n * h.embedding)

      ReferenceArithmetic.rmsNorm(
        scratch.x, rows: n, cols: h.embedding, weight: layer.ffnNorm, epsilon: h.rmsEpsilon, into: scratch.normed)
      var feedForwardInput = SharedInput(scratch.normed, count: n, byVector: byVector)
      feedForwardInput.multiply(layer.gate, into: scratch.gate)
      feedForwardInput.multiply(layer.up, into: scratch.up)
      ReferenceArithmetic.swiglu(scratch.gate, scratch.up, count: n * h.feedForward)
      var down = SharedInput(scratch.gate, count: n, byVector: byVector)
      down.multiply(layer.down, into: scratch.projected)
      Kernels.add(scratch.x, scratch.projected, into: scratch.x, count: n * h.embedding)
    }
    for cache in caches { cache.advance(by: 1) }
    let logits = scratch.logits(
      rows: 0..<n, norm: outputNorm, epsilon: h.rmsEpsilon, output: output, byVector: byVector)
    let vocabulary = output.rows
    return (0..<n).map { Array(logits[($0 * vocabulary)..<(($0 + 1) * vocabulary)]) }
  }
}

/// Adds `bias` to each of `rows` rows.
func addRows(_ bias: [Float], to x: UnsafeMutablePointer<Float>, rows: Int) {
  bias.withUnsafeBufferPointer { b in
    for r in 0..<rows { Kernels.add(x + r * b.count, b.baseAddress!, into: x + r * b.count, count: b.count) }
  }
}
