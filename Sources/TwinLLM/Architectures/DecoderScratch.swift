import TwinGGUF
import TwinTensor

/// Working buffers of one forward pass over `tokens` positions.
struct DecoderScratch {
  let tokens: Int
  let embedding: Int
  /// `k` and `v` hold the pass's new keys and values until they are stored in the cache (`f16`).
  let x, normed, q, k, v, attended, projected, gate, up: UnsafeMutablePointer<Float>

  init(tokens: Int, hyperparameters h: Hyperparameters) {
    self.tokens = tokens
    embedding = h.embedding
    let wide = max(h.embedding, h.queryWidth)
    x = .allocate(capacity: tokens * h.embedding)
    normed = .allocate(capacity: tokens * h.embedding)
    q = .allocate(capacity: tokens * h.queryWidth)
    k = .allocate(capacity: tokens * h.kvWidth)
    v = .allocate(capacity: tokens * h.kvWidth)
    attended = .allocate(capacity: tokens * h.queryWidth)
    projected = .allocate(capacity: tokens * wide)
    gate = .allocate(capacity: tokens * h.feedForward)
    up = .allocate(capacity: tokens * h.feedForward)
  }

  func deallocate() {
    for p in [x, normed, q, k, v, attended, projected, gate, up] { p.deallocate() }
  }

  /// Final norm and output projection for `rows`, concatenated.
  func logits(
    rows: Range<Int>, norm: [Float], epsilon: Float, output: QuantizedMatrix,
    byVector: Bool = false
  ) -> [Float] {
    let count = rows.count
    ReferenceArithmetic.rmsNorm(
      x + rows.lowerBound * embedding, rows: count, cols: embedding, weight: norm, epsilon: epsilon, into: normed)
    var logits = [Float](repeating: 0, count: count * output.rows)
    logits.withUnsafeMutableBufferPointer { out in
      if byVector {
        output.matmulByVector(normed, count: count, into: out.baseAddress!)
      } else {
        output.matmul(normed, count: count, into: out.baseAddress!)
      }
    }
    return logits
  }
}
