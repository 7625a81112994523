import TwinTensor

/// Scaled dot-product attention of new queries over the cached keys and values, with
/// grouped-query heads, a causal mask and an optional sliding window.
///
/// Per query head: `scores = scale · Q Kᵀ` over all cached positions, future positions (and
/// those beyond the window) masked, softmax, then `P V`. Heads run in parallel; the kernels
/// inside a head run on one thread.
struct CausalAttention: Sendable {
  let heads: Int
  let kvHeads: Int
  let headDimension: Int
  let scale: Float
  /// Keys older than this many positions before the query are not attended (Gemma's local
  /// layers); nil for global attention.
  let window: Int?

  /// - Parameters:
  ///   - queries: `count` rows of `heads · headDimension`.
  ///   - keys, values: The layer's cache, `start + count` rows of `kvHeads · headDimension`.
  ///   - start: Position of the first query.
  ///   - output: `count` rows of `heads · headDimension`.
  func callAsFunction(
    queries: UnsafePointer<Float>, count: Int, start: Int, keys: UnsafePointer<Float>,
    values: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
  ) {
    let total = start + count
    let qWidth = heads * headDimension
    let kvWidth = kvHeads * headDimension
    let group = heads / kvHeads
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: heads * count * total)
    defer { scores.deallocate() }
    // Queries enter the product in f16, as in llama.cpp (keys and values are cached in f16).
    let halfQueries = UnsafeMutablePointer<Float>.allocate(capacity: count * qWidth)
    defer { halfQueries.deallocate() }
    halfQueries.update(from: queries, count: count * qWidth)
    HalfPrecision.round(halfQueries, count: count * qWidth)
    Parallel.forRange(heads, minChunk: 1) { range in
      for h in range {
        let kvHead = h / group
        let s = scores + h * count * total
        Kernels.gemmNT(
          m: count, n: total, k: headDimension, a: halfQueries + h * headDimension, lda: qWidth,
          b: keys + kvHead * headDimension, ldb: kvWidth, c: s, ldc: total, alpha: scale)
        if let window {
          // Query at position p sees keys p - window + 1 … p.
          for r in 0..<count {
            let oldest = start + r - window + 1
            if oldest > 0 { (s + r * total).update(repeating: -.infinity, count: min(oldest, total)) }
          }
        }
        Kernels.softmax(s, rows: count, cols: total, causalOffset: start)
        HalfPrecision.round(s, count: count * total)
        Kernels.gemmNN(
          m: count, n: headDimension, k: total, a: s, lda: total, b: values + kvHead * headDimension,
          ldb: kvWidth, c: output + h * headDimension, ldc: qWidth)
      }
    }
  }
}
