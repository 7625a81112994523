import TwinTensor

/// Scaled dot-product attention of new queries over the cached keys and values, with
/// grouped-query heads, a causal mask and an optional sliding window.
///
/// Per query head and position: `scores = Q Kᵀ` over the visible cached positions, softmax of
/// `scale · scores`, then `P V`, with queries and probabilities rounded to `f16` as llama.cpp
/// does. The sums follow llama.cpp's orders (see ``ReferenceArithmetic``) so that results agree
/// with it bit for bit; (head, position) pairs run in parallel.
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
    let d = headDimension
    precondition(d % 8 == 0, "head dimension \(d) is not a multiple of 8")
    // Queries enter the product in f16, as in llama.cpp (keys and values are cached in f16).
    let halfQueries = UnsafeMutablePointer<Float>.allocate(capacity: count * qWidth)
    defer { halfQueries.deallocate() }
    halfQueries.update(from: queries, count: count * qWidth)
    HalfPrecision.round(halfQueries, count: count * qWidth)
    Parallel.forRange(heads * count, minChunk: 1) { range in
      let row = UnsafeMutablePointer<Float>.allocate(capacity: total)
      // Eight lane accumulators per output element: position j adds into lane j mod 8.
      let lanes = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: d)
      let lanes4 = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: 4 * d)
      defer {
        row.deallocate()
        lanes.deallocate()
        lanes4.deallocate()
      }
      for item in range {
        let h = item / count
        let r = item % count
        let position = start + r
        let oldest = window.map { Swift.max(0, position - $0 + 1) } ?? 0
        let visible = oldest..<(position + 1)
        let q = halfQueries + r * qWidth + h * d
        let kvOffset = (h / group) * d
        // llama.cpp multiplies several rows (prefill) with tinyBLAS and a single row (decoding)
        // with ggml's vec_dot; the two sum in different orders. With one KV head the decoding
        // query heads still reach tinyBLAS together (measured: Gemma 3 matches llama.cpp only
        // that way, SmolLM2 with 3 KV heads only the other).
        let single = count == 1
        let vectorDotScores = single && kvHeads > 1
        for j in visible {
          let k = keys + j * kvWidth + kvOffset
          row[j] =
            vectorDotScores
            ? ReferenceArithmetic.dot32(q, k, count: d) : ReferenceArithmetic.dot8(q, k, count: d)
        }
        ReferenceArithmetic.softmax(row, count: total, visible: visible, scale: scale)
        HalfPrecision.round(row + visible.lowerBound, count: visible.count)
        let out = output + r * qWidth + h * d
        if single {
          // Four accumulators of eight lanes: position j adds into accumulator (j / 8) mod 4.
          lanes4.initialize(repeating: SIMD8<Float>(), count: 4 * d)
          for j in visible {
            let p = row[j]
            let slot = (j >> 3) & 3
            let lane = j & 7
            let v = values + j * kvWidth + kvOffset
            for e in 0..<d { lanes4[4 * e + slot][lane] = lanes4[4 * e + slot][lane].addingProduct(p, v[e]) }
          }
          for e in 0..<d {
            out[e] = ReferenceArithmetic.reduce4(lanes4[4 * e], lanes4[4 * e + 1], lanes4[4 * e + 2], lanes4[4 * e + 3])
          }
        } else {
          lanes.initialize(repeating: SIMD8<Float>(), count: d)
          for j in visible {
            let p = row[j]
            let lane = j & 7
            let v = values + j * kvWidth + kvOffset
            for e in 0..<d { lanes[e][lane] = lanes[e][lane].addingProduct(p, v[e]) }
          }
          for e in 0..<d { out[e] = ReferenceArithmetic.horizontalSum(lanes[e]) }
        }
      }
    }
  }
}

