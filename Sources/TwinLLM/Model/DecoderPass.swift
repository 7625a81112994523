import TwinGGUF
import TwinTensor

/// The rows of one forward pass and where each row's key and value go.
///
/// A pass is either a *run*: consecutive positions of one sequence (a prompt, or one decode
/// step), or a *step*: one position in each of several sequences (a continuous-batching decode
/// step, each row with its own cache). An architecture's layer body is written once against
/// this type; only positions, cache writes, attention and the choice of product kernel differ
/// between the two, and they are decided here.
struct DecoderPass {
  private enum Rows {
    case run(cache: KVCache, start: Int)
    case step(caches: [KVCache], positions: [Int])
  }

  private let rows: Rows
  /// Rows in the pass (tokens of the run, or sequences of the step).
  let count: Int
  /// Multiply one row at a time with the matrix-vector kernels. Up to four sequences of a step
  /// they beat the matrix-matrix kernels (which unpack each weight tile once for up to eight
  /// vectors); measured on SmolLM2. A run always uses the matrix-matrix path, as llama.cpp does.
  let byVector: Bool

  /// A run of `count` positions of the sequence in `cache`, from its current end.
  init(run count: Int, cache: KVCache) throws {
    guard count > 0 else { throw GenerationError.emptyPrompt }
    guard cache.remaining >= count else { throw GenerationError.contextFull(capacity: cache.capacity) }
    rows = .run(cache: cache, start: cache.count)
    self.count = count
    byVector = false
  }

  /// One decode position in each cache.
  init(step caches: [KVCache]) throws {
    for cache in caches where cache.remaining < 1 { throw GenerationError.contextFull(capacity: cache.capacity) }
    rows = .step(caches: caches, positions: caches.map(\.count))
    count = caches.count
    byVector = count <= 4
  }

  /// The sequence position of row `r`.
  func position(ofRow r: Int) -> Int {
    switch rows {
    case .run(_, let start): start + r
    case .step(_, let positions): positions[r]
    }
  }

  /// Rotates every row's query heads and key heads by its own position.
  func rotate(
    _ rope: RotaryEmbedding, queries: UnsafeMutablePointer<Float>, keys: UnsafeMutablePointer<Float>,
    hyperparameters h: Hyperparameters
  ) {
    Parallel.forRange(count, minChunk: 16) { rows in
      for r in rows {
        let position = position(ofRow: r)
        rope.apply(queries + r * h.queryWidth, heads: h.heads, headDimension: h.headDimension, position: position)
        rope.apply(keys + r * h.kvWidth, heads: h.kvHeads, headDimension: h.headDimension, position: position)
      }
    }
  }

  /// Stores the rows' new keys and values (`kvWidth` floats per row) in layer `layer` of their
  /// caches, rounded to `f16`.
  func store(
    keys: UnsafePointer<Float>, values: UnsafePointer<Float>, layer: Int, kvWidth: Int
  ) {
    switch rows {
    case .run(let cache, let start):
      HalfPrecision.store(keys, count: count * kvWidth, into: cache.keys[layer] + start * kvWidth)
      HalfPrecision.store(values, count: count * kvWidth, into: cache.values[layer] + start * kvWidth)
    case .step(let caches, let positions):
      for (r, cache) in caches.enumerated() {
        HalfPrecision.store(keys + r * kvWidth, count: kvWidth, into: cache.keys[layer] + positions[r] * kvWidth)
        HalfPrecision.store(values + r * kvWidth, count: kvWidth, into: cache.values[layer] + positions[r] * kvWidth)
      }
    }
  }

  /// Each row's queries over its own cache in layer `layer` (after ``store(keys:values:layer:kvWidth:)``).
  func attend(
    _ attention: CausalAttention, queries: UnsafePointer<Float>, layer: Int, output: UnsafeMutablePointer<Float>
  ) {
    switch rows {
    case .run(let cache, let start):
      attention(
        queries: queries, count: count, start: start, keys: cache.keys[layer], values: cache.values[layer],
        output: output)
    case .step(let caches, let positions):
      attention.decodeBatch(
        queries: queries, positions: positions, keys: caches.map { UnsafePointer($0.keys[layer]) },
        values: caches.map { UnsafePointer($0.values[layer]) }, output: output)
    }
  }

  /// Products of the pass's rows of `x` with several matrices, quantising `x` once.
  func input(_ x: UnsafePointer<Float>) -> SharedInput {
    SharedInput(x, count: count, byVector: byVector)
  }

  /// Marks the rows' positions as filled in their caches.
  func advance() {
    switch rows {
    case .run(let cache, _): cache.advance(by: count)
    case .step(let caches, _): for cache in caches { cache.advance(by: 1) }
    }
  }
}

/// An architecture written as its embedding and one layer body. The forward passes of
/// ``DecoderModel`` (a prompt or one token, and a batched decode step) are built from these once,
/// here, so single and batched decoding run the same layer code.
protocol LayerStack: DecoderModel {
  /// Layers, applied in order.
  var layerCount: Int { get }
  /// The final norm's weights before the output head.
  var outputNorm: [Float] { get }
  /// The output head (the token embedding where the model ties it).
  var output: QuantizedMatrix { get }
  /// Writes the hidden states of `tokens` into `scratch.x`.
  func embed(_ tokens: [Int32], into scratch: DecoderScratch)
  /// Layer `index` over the rows of `scratch.x`, in place, storing the rows' keys and values in
  /// the pass's caches.
  func layer(_ index: Int, scratch: DecoderScratch, pass: DecoderPass)
}

extension LayerStack {
  /// The logits of `rows` after all layers over `pass`.
  private func logits(_ tokens: [Int32], pass: DecoderPass, rows: Range<Int>) -> [Float] {
    let h = hyperparameters
    let scratch = DecoderScratch(tokens: pass.count, hyperparameters: h)
    defer { scratch.deallocate() }
    embed(tokens, into: scratch)
    for l in 0..<layerCount { layer(l, scratch: scratch, pass: pass) }
    pass.advance()
    return scratch.logits(
      rows: rows, norm: outputNorm, epsilon: h.rmsEpsilon, output: output, byVector: pass.byVector)
  }

  /// ``DecoderModel/forward(_:cache:allLogits:)`` of a layer stack.
  func forwardRun(_ tokens: [Int32], cache: KVCache, allLogits: Bool) throws -> [Float] {
    let pass = try DecoderPass(run: tokens.count, cache: cache)
    let n = tokens.count
    return logits(tokens, pass: pass, rows: allLogits ? 0..<n : (n - 1)..<n)
  }

  /// ``DecoderModel/forward(batch:caches:)`` of a layer stack. Each sequence's logits equal a
  /// one-token run's for up to four sequences, bit for bit, and within rounding beyond (where
  /// llama.cpp's Q4_K and Q6_K kernels too sum in another order per batch shape).
  func forwardStep(_ tokens: [Int32], caches: [KVCache]) throws -> [[Float]] {
    precondition(caches.count == tokens.count, "one cache per token")
    guard !tokens.isEmpty else { return [] }
    if tokens.count == 1 { return [try forwardRun(tokens, cache: caches[0], allLogits: false)] }
    let pass = try DecoderPass(step: caches)
    let all = logits(tokens, pass: pass, rows: 0..<tokens.count)
    let vocabulary = output.rows
    return (0..<tokens.count).map { Array(all[($0 * vocabulary)..<(($0 + 1) * vocabulary)]) }
  }
}
