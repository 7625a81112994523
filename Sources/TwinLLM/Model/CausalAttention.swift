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
  /// A factor applied to the queries before they are rounded to `f16`, instead of `scale` to
  /// the scores: llama.cpp scales Gemma's queries that way (a power of two, exact, except that
  /// tiny components land in `f16`'s subnormal range and round differently). 1 for Llama.
  var queryScale: Float = 1
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
    let d = headDimension
    precondition(d % 8 == 0, "head dimension \(d) is not a multiple of 8")
    // Queries enter the product in f16, as in llama.cpp (keys and values are cached in f16).
    let halfQueries = UnsafeMutablePointer<Float>.allocate(capacity: count * qWidth)
    defer { halfQueries.deallocate() }
    halfQueries.update(from: queries, count: count * qWidth)
    if queryScale != 1 { Kernels.scale(halfQueries, by: queryScale, count: count * qWidth) }
    HalfPrecision.round(halfQueries, count: count * qWidth)
    // The weighted sum of values keeps one partial sum per lane of llama.cpp's accumulators:
    // position j adds into partial `j mod 8` (tinyBLAS, prompts) or `j mod 32` (vec_dot, a single
    // row: four accumulators of eight lanes). Each partial is a whole row of `d` values, so the
    // fused multiply-adds run across the row, sixteen elements at a time, in the same order per
    // element as the lane-by-lane loops they replace.
    let single = count == 1
    let partials = single ? 32 : 8
    Parallel.forRange(heads * count, minChunk: 1) { range in
      let row = UnsafeMutablePointer<Float>.allocate(capacity: total)
      let sums = UnsafeMutablePointer<Float>.allocate(capacity: partials * d)
      defer {
        row.deallocate()
        sums.deallocate()
      }
      for item in range {
        let h = item / count
        let r = item % count
        attend(
          head: h, query: halfQueries + r * qWidth + h * d, position: start + r, total: total, keys: keys,
          values: values, single: single, row: row, sums: sums, output: output + r * qWidth + h * d)
      }
    }
  }

  /// One decode step of several sequences, each query over its own cache: row `i` of `queries`
  /// sits at position `positions[i]` of the cache `keys[i]`/`values[i]`. (Sequence, head) pairs
  /// run in parallel, in one dispatch; each result equals the single-query call's, bit for bit.
  func decodeBatch(
    queries: UnsafePointer<Float>, positions: [Int], keys: [UnsafePointer<Float>], values: [UnsafePointer<Float>],
    output: UnsafeMutablePointer<Float>
  ) {
    let n = positions.count
    let qWidth = heads * headDimension
    let d = headDimension
    let longest = (positions.max() ?? 0) + 1
    let halfQueries = UnsafeMutablePointer<Float>.allocate(capacity: n * qWidth)
    defer { halfQueries.deallocate() }
    halfQueries.update(from: queries, count: n * qWidth)
    if queryScale != 1 { Kernels.scale(halfQueries, by: queryScale, count: n * qWidth) }
    HalfPrecision.round(halfQueries, count: n * qWidth)
    Parallel.forRange(heads * n, minChunk: 1) { range in
      let row = UnsafeMutablePointer<Float>.allocate(capacity: longest)
      let sums = UnsafeMutablePointer<Float>.allocate(capacity: 32 * d)
      defer {
        row.deallocate()
        sums.deallocate()
      }
      for item in range {
        let (i, h) = (item / heads, item % heads)
        attend(
          head: h, query: halfQueries + i * qWidth + h * d, position: positions[i], total: positions[i] + 1,
          keys: keys[i], values: values[i], single: true, row: row, sums: sums, output: output + i * qWidth + h * d)
      }
    }
  }

  /// One query head at `position` over the cache (`total` rows in the pass): scores, softmax,
  /// weighted sum of values.
  @inline(__always)
  private func attend(
    head h: Int, query q: UnsafePointer<Float>, position: Int, total: Int, keys: UnsafePointer<Float>,
    values: UnsafePointer<Float>, single: Bool, row: UnsafeMutablePointer<Float>, sums: UnsafeMutablePointer<Float>,
    output out: UnsafeMutablePointer<Float>
  ) {
    let kvWidth = kvHeads * headDimension
    let d = headDimension
    let partials = single ? 32 : 8
    let oldest = window.map { Swift.max(0, position - $0 + 1) } ?? 0
    let visible = oldest..<(position + 1)
    let kvOffset = (h / (heads / kvHeads)) * d
    // llama.cpp multiplies several rows (prefill) with tinyBLAS and a single row (decoding)
    // with ggml's vec_dot; the two sum in different orders. (Checked tensor by tensor against
    // llama.cpp's graph, for SmolLM2's three KV heads and Gemma 3's one.)
    let vectorDotScores = single
    var j = visible.lowerBound
    if !vectorDotScores {
      while j + 4 <= visible.upperBound {
        let k = keys + j * kvWidth + kvOffset
        let s = ReferenceArithmetic.dot8x4(q, k, k + kvWidth, k + 2 * kvWidth, k + 3 * kvWidth, count: d)
        (row[j], row[j + 1], row[j + 2], row[j + 3]) = (s[0], s[1], s[2], s[3])
        j += 4
      }
    }
    while j < visible.upperBound {
      let k = keys + j * kvWidth + kvOffset
      row[j] =
        vectorDotScores
        ? ReferenceArithmetic.dot32(q, k, count: d) : ReferenceArithmetic.dot8(q, k, count: d)
      j += 1
    }
    ReferenceArithmetic.softmax(row, count: total, visible: visible, scale: scale)
    HalfPrecision.round(row + visible.lowerBound, count: visible.count)
    sums.initialize(repeating: 0, count: partials * d)
    for j in visible {
      let p = row[j]
      Self.accumulate(p, values + j * kvWidth + kvOffset, into: sums + (j & (partials - 1)) * d, count: d)
    }
    if single {
      Self.reduce32(sums, count: d, into: out)
    } else {
      Self.reduce8(sums, count: d, into: out)
    }
  }

  /// `sum[e] += p · v[e]` (fused) for `count` elements, a multiple of 8.
  @inline(__always)
  static func accumulate(_ p: Float, _ v: UnsafePointer<Float>, into sum: UnsafeMutablePointer<Float>, count: Int) {
    var e = 0
    let scale = SIMD16<Float>(repeating: p)
    while e + 16 <= count {
      let s = UnsafeMutableRawPointer(sum + e)
      s.storeBytes(
        of: s.loadUnaligned(as: SIMD16<Float>.self).addingProduct(
          scale, UnsafeRawPointer(v + e).loadUnaligned(as: SIMD16<Float>.self)), as: SIMD16<Float>.self)
      e += 16
    }
    while e < count {
      sum[e] = sum[e].addingProduct(p, v[e])
      e += 1
    }
  }

  /// `out[e]` = the eight partial rows at `sums` reduced as ``ReferenceArithmetic/horizontalSum(_:)``
  /// reduces lanes: `h[i] = l[i+4] + l[i]`, then `(h0 + h2) + (h1 + h3)`.
  static func reduce8(_ sums: UnsafePointer<Float>, count d: Int, into out: UnsafeMutablePointer<Float>) {
    for e in 0..<d {
      let h0 = sums[4 * d + e] + sums[e]
      let h1 = sums[5 * d + e] + sums[d + e]
      let h2 = sums[6 * d + e] + sums[2 * d + e]
      let h3 = sums[7 * d + e] + sums[3 * d + e]
      out[e] = (h0 + h2) + (h1 + h3)
    }
  }

  /// `out[e]` = the 32 partial rows at `sums` (four accumulators of eight lanes) reduced as
  /// ``ReferenceArithmetic/reduce4(_:_:_:_:)`` reduces four accumulators.
  static func reduce32(_ sums: UnsafePointer<Float>, count d: Int, into out: UnsafeMutablePointer<Float>) {
    for e in 0..<d {
      var v = SIMD8<Float>()
      for lane in 0..<8 {
        let x0 = sums[lane * d + e]
        let x1 = sums[(8 + lane) * d + e]
        let x2 = sums[(16 + lane) * d + e]
        let x3 = sums[(24 + lane) * d + e]
        v[lane] = (x0 + x2) + (x1 + x3)
      }
      let t = v.lowHalf + v.highHalf
      out[e] = (t[0] + t[1]) + (t[2] + t[3])
    }
  }
}
