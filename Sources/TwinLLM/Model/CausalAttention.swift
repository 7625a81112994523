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
  ///   - keys, values: The layer's cache (`f16`), `start + count` rows of `kvHeads · headDimension`.
  ///   - start: Position of the first query.
  ///   - output: `count` rows of `heads · headDimension`.
  func callAsFunction(
    queries: UnsafePointer<Float>, count: Int, start: Int, keys: UnsafePointer<Float16>,
    values: UnsafePointer<Float16>, output: UnsafeMutablePointer<Float>
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
    // llama.cpp multiplies a prompt's rows with tinyBLAS (V transposed) and a single row with
    // ggml's vec_dot; the two sum in different orders. (Checked tensor by tensor against
    // llama.cpp's graph, for SmolLM2's three KV heads and Gemma 3's one.)
    if count == 1 {
      Parallel.forRange(heads, minChunk: 1) { range in
        let buffers = RowBuffers(positions: total, headDimension: d)
        defer { buffers.deallocate() }
        for h in range {
          attendRow(
            head: h, query: halfQueries + h * d, position: start, keys: keys, values: values, buffers: buffers,
            output: output + h * d)
        }
      }
      return
    }
    let stride = (total + 7) & ~7
    let transposed = Self.transposedValues(values, positions: total, width: kvHeads * d, stride: stride)
    defer { transposed.deallocate() }
    // Causal rows cost more the later they are, so ranges are many and small, for an even finish.
    Parallel.forRange(heads * count, minChunk: 1, rangesPerThread: 8) { range in
      let row = UnsafeMutablePointer<Float>.allocate(capacity: stride)
      defer { row.deallocate() }
      (row + total).initialize(repeating: 0, count: stride - total)
      for item in range {
        let h = item / count
        let r = item % count
        attendPrompt(
          head: h, query: halfQueries + r * qWidth + h * d, position: start + r, total: total, keys: keys,
          transposed: transposed, stride: stride, row: row, output: output + r * qWidth + h * d)
      }
    }
  }

  /// One decode step of several sequences, each query over its own cache: row `i` of `queries`
  /// sits at position `positions[i]` of the cache `keys[i]`/`values[i]`. (Sequence, head) pairs
  /// run in parallel, in one dispatch; each result equals the single-query call's, bit for bit.
  func decodeBatch(
    queries: UnsafePointer<Float>, positions: [Int], keys: [UnsafePointer<Float16>],
    values: [UnsafePointer<Float16>],
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
      let buffers = RowBuffers(positions: longest, headDimension: d)
      defer { buffers.deallocate() }
      for item in range {
        let (i, h) = (item / heads, item % heads)
        attendRow(
          head: h, query: halfQueries + i * qWidth + h * d, position: positions[i], keys: keys[i],
          values: values[i], buffers: buffers, output: output + i * qWidth + h * d)
      }
    }
  }

  /// Scratch for ``attendRow(head:query:position:keys:values:buffers:output:)``: a row of scores
  /// and vec_dot's 32 partial rows of values.
  struct RowBuffers {
    let scores: UnsafeMutablePointer<Float>
    let sums: UnsafeMutablePointer<Float>

    init(positions: Int, headDimension: Int) {
      scores = .allocate(capacity: positions)
      sums = .allocate(capacity: 32 * headDimension)
    }

    func deallocate() {
      scores.deallocate()
      sums.deallocate()
    }
  }

  /// Query head `h` of a single row at `position`, in vec_dot's orders: scores, softmax,
  /// weighted sum of values.
  @inline(__always)
  private func attendRow(
    head h: Int, query q: UnsafePointer<Float>, position: Int, keys: UnsafePointer<Float16>,
    values: UnsafePointer<Float16>, buffers: RowBuffers, output out: UnsafeMutablePointer<Float>
  ) {
    let kvWidth = kvHeads * headDimension
    let d = headDimension
    let total = position + 1
    let oldest = window.map { Swift.max(0, position - $0 + 1) } ?? 0
    let visible = oldest..<total
    let kvOffset = (h / (heads / kvHeads)) * d
    let row = buffers.scores
    for j in visible { row[j] = ReferenceArithmetic.dot32(q, keys + j * kvWidth + kvOffset, count: d) }
    ReferenceArithmetic.softmax(row, count: total, visible: visible, scale: scale)
    HalfPrecision.round(row + visible.lowerBound, count: visible.count)
    // vec_dot's four accumulators of eight lanes: position j adds into partial `j mod 32`. Each
    // partial is a whole row of `d` values, so the fused multiply-adds run across the row,
    // sixteen elements at a time, in the same order per element as lane-by-lane loops.
    buffers.sums.initialize(repeating: 0, count: 32 * d)
    for j in visible {
      Self.accumulate(row[j], values + j * kvWidth + kvOffset, into: buffers.sums + (j & 31) * d, count: d)
    }
    Self.reduce32(buffers.sums, count: d, into: out)
  }

  /// One query head of a prompt at `position` over the cache (`total` rows in the pass), in
  /// tinyBLAS's orders: scores, softmax, and the values weighted from their
  /// ``transposedValues(_:positions:width:stride:)``. `row` holds `stride` scores (`total`
  /// rounded up to a multiple of 8), zero from `total` on.
  @inline(__always)
  private func attendPrompt(
    head h: Int, query q: UnsafePointer<Float>, position: Int, total: Int, keys: UnsafePointer<Float16>,
    transposed: UnsafePointer<Float>, stride: Int, row: UnsafeMutablePointer<Float>,
    output out: UnsafeMutablePointer<Float>
  ) {
    let kvWidth = kvHeads * headDimension
    let d = headDimension
    let oldest = window.map { Swift.max(0, position - $0 + 1) } ?? 0
    let visible = oldest..<(position + 1)
    let kvOffset = (h / (heads / kvHeads)) * d
    var j = visible.lowerBound
    while j + 8 <= visible.upperBound {
      let s = ReferenceArithmetic.dot8x8(q, keys + j * kvWidth + kvOffset, stride: kvWidth, count: d)
      for i in 0..<8 { row[j + i] = s[i] }
      j += 8
    }
    while j < visible.upperBound {
      row[j] = ReferenceArithmetic.dot8(q, keys + j * kvWidth + kvOffset, count: d)
      j += 1
    }
    // Softmax leaves zeros at the positions before `total` that are not visible (and the row's
    // tail after it is zero), so whole groups of eight around the visible ones can be summed.
    ReferenceArithmetic.softmax(row, count: total, visible: visible, scale: scale)
    HalfPrecision.round(row + visible.lowerBound, count: visible.count)
    let chunks = (visible.lowerBound & ~7)..<((visible.upperBound + 7) & ~7)
    Self.transposedWeightedSum(
      row, chunks: chunks, transposed: transposed + kvOffset * stride, stride: stride, count: d, into: out)
  }

  /// `sum[e] += p · v[e]` (fused) for `count` elements, a multiple of 8.
  @inline(__always)
  static func accumulate(_ p: Float, _ v: UnsafePointer<Float16>, into sum: UnsafeMutablePointer<Float>, count: Int) {
    var e = 0
    let scale = SIMD16<Float>(repeating: p)
    while e + 16 <= count {
      let s = UnsafeMutableRawPointer(sum + e)
      s.storeBytes(
        of: s.loadUnaligned(as: SIMD16<Float>.self).addingProduct(
          scale, HalfPrecision.load16(v + e)), as: SIMD16<Float>.self)
      e += 16
    }
    while e < count {
      sum[e] = sum[e].addingProduct(p, Float(v[e]))
      e += 1
    }
  }

  /// The pass's values as llama.cpp's prompt product reads them (it caches V transposed): row
  /// `c` (KV head `c / d`, element `c mod d`) holds that element of every position, `stride`
  /// positions per row, zero from `positions` on. Deallocate after use.
  static func transposedValues(
    _ values: UnsafePointer<Float16>, positions: Int, width: Int, stride: Int
  ) -> UnsafeMutablePointer<Float> {
    let t = UnsafeMutablePointer<Float>.allocate(capacity: width * stride)
    for c in 0..<width { (t + c * stride + positions).initialize(repeating: 0, count: stride - positions) }
    // Eight positions at a time: each row of the result gets eight consecutive values.
    var j = 0
    while j < positions {
      let n = Swift.min(8, positions - j)
      for c in 0..<width {
        for i in 0..<n { t[c * stride + j + i] = Float(values[(j + i) * width + c]) }
      }
      j += 8
    }
    return t
  }

  /// `out = Σⱼ p[j] · vⱼ` for a prompt, in llama.cpp's (tinyBLAS's) order: per element, a dot
  /// product over positions with eight-lane accumulators (position `j` in lane `j mod 8`)
  /// reduced as ``ReferenceArithmetic/horizontalSum(_:)``.
  ///
  /// `transposed` is this head's block of ``transposedValues(_:positions:width:stride:)``;
  /// `chunks` spans whole groups of eight positions, and `p` is zero at the positions that are
  /// not visible (a zero weight adds nothing), so rows stream contiguously, eight elements at
  /// a time, with no partial sums in memory.
  static func transposedWeightedSum(
    _ p: UnsafePointer<Float>, chunks: Range<Int>, transposed: UnsafePointer<Float>, stride: Int, count d: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    precondition(d % 8 == 0 && chunks.lowerBound % 8 == 0 && chunks.count % 8 == 0, "unaligned value sum")
    typealias Lanes = SIMD8<Float>
    var e = 0
    while e < d {
      var acc = (Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes())
      let rows = transposed + e * stride
      @inline(__always)
      func v(_ i: Int, _ j: Int) -> Lanes { UnsafeRawPointer(rows + i * stride + j).loadUnaligned(as: Lanes.self) }
      var j = chunks.lowerBound
      while j < chunks.upperBound {
        let weights = UnsafeRawPointer(p + j).loadUnaligned(as: Lanes.self)
        acc.0 = acc.0.addingProduct(weights, v(0, j))
        acc.1 = acc.1.addingProduct(weights, v(1, j))
        acc.2 = acc.2.addingProduct(weights, v(2, j))
        acc.3 = acc.3.addingProduct(weights, v(3, j))
        acc.4 = acc.4.addingProduct(weights, v(4, j))
        acc.5 = acc.5.addingProduct(weights, v(5, j))
        acc.6 = acc.6.addingProduct(weights, v(6, j))
        acc.7 = acc.7.addingProduct(weights, v(7, j))
        j += 8
      }
      UnsafeMutableRawPointer(out + e).storeBytes(
        of: Lanes(
          ReferenceArithmetic.horizontalSum(acc.0), ReferenceArithmetic.horizontalSum(acc.1),
          ReferenceArithmetic.horizontalSum(acc.2), ReferenceArithmetic.horizontalSum(acc.3),
          ReferenceArithmetic.horizontalSum(acc.4), ReferenceArithmetic.horizontalSum(acc.5),
          ReferenceArithmetic.horizontalSum(acc.6), ReferenceArithmetic.horizontalSum(acc.7)),
        as: Lanes.self)
      e += 8
    }
  }

  /// `out[e]` = the 32 partial rows at `sums` (four accumulators of eight lanes) reduced as
  /// ``ReferenceArithmetic/reduce4(_:_:_:_:)`` reduces four accumulators.
  ///
  /// Lane `l` of accumulator `a` is partial row `8a + l`; for every element the lanes combine
  /// as `(x0 + x2) + (x1 + x3)` across accumulators, then `v[i] + v[i+4]`, then
  /// `(t0 + t1) + (t2 + t3)`. Each step is the same for every element, so it runs on eight
  /// elements at a time (rows are contiguous), in the same order per element.
  static func reduce32(_ sums: UnsafePointer<Float>, count d: Int, into out: UnsafeMutablePointer<Float>) {
    precondition(d % 8 == 0, "head dimension \(d) is not a multiple of 8")
    @inline(__always)
    func load(_ row: Int, _ e: Int) -> SIMD8<Float> {
      UnsafeRawPointer(sums + row * d + e).loadUnaligned(as: SIMD8<Float>.self)
    }
    var e = 0
    while e < d {
      @inline(__always)
      func lane(_ l: Int) -> SIMD8<Float> {
        (load(l, e) + load(16 + l, e)) + (load(8 + l, e) + load(24 + l, e))
      }
      let t0 = lane(0) + lane(4)
      let t1 = lane(1) + lane(5)
      let t2 = lane(2) + lane(6)
      let t3 = lane(3) + lane(7)
      UnsafeMutableRawPointer(out + e).storeBytes(of: (t0 + t1) + (t2 + t3), as: SIMD8<Float>.self)
      e += 8
    }
  }
}
