/// Numerically stable row-wise softmax for attention probabilities.
extension Kernels {
  /// Softmax of each row in place: `x[r, j] ← e^(x[r, j] + mask[j] − max) / Σ e^(… − max)`.
  ///
  /// Subtracting the row maximum keeps every exponent ≤ 0, so nothing overflows whatever the
  /// scores are. Columns outside a row's valid range, and entries whose masked score is `-inf`,
  /// come out exactly 0. A row with no finite entry at all (everything masked) becomes all
  /// zeros rather than NaN.
  ///
  /// - Parameters:
  ///   - x: `rows` rows of `cols` scores, `rowStride` apart (default `cols`).
  ///   - mask: Additive scores (0 to keep, `-inf` or a large negative to drop), or nil. Row `r`
  ///     uses `mask + r · maskStride`; the default stride 0 applies one mask (a sequence's key
  ///     padding) to every row.
  ///   - validCols: Only columns `0..<validCols` take part (keys of the unpadded sequence);
  ///     the rest are set to 0. Default: all.
  ///   - causalOffset: When set, row `r` also stops at column `r + causalOffset` inclusive
  ///     (causal attention, with `causalOffset` earlier positions already in the cache).
  public static func softmax(
    _ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, rowStride: Int? = nil,
    mask: UnsafePointer<Float>? = nil, maskStride: Int = 0, validCols: Int? = nil,
    causalOffset: Int? = nil
  ) {
    let ld = rowStride ?? cols
    precondition(rows >= 0 && cols >= 0 && ld >= cols && maskStride >= 0, "bad shape or stride")
    let valid = min(validCols ?? cols, cols)
    precondition(valid >= 0, "negative validCols")
    Parallel.forRange(rows, minChunk: rowChunk(cols: cols)) { range in
      for r in range {
        var live = valid
        if let causalOffset { live = max(0, min(live, r + causalOffset + 1)) }
        softmaxRow(x + r * ld, count: live, cols: cols, mask: mask.map { $0 + r * maskStride })
      }
    }
  }

  /// Softmax of every row of `m` in place.
  public static func softmax(_ m: inout Matrix) {
    let (rows, cols) = (m.rows, m.cols)
    m.withUnsafeMutableBufferPointer { softmax($0.nonEmptyBase, rows: rows, cols: cols) }
  }

  /// One row: the first `count` columns take part, columns `count..<cols` become 0.
  private static func softmaxRow(
    _ row: UnsafeMutablePointer<Float>, count: Int, cols: Int, mask: UnsafePointer<Float>?
  ) {
    let negativeInfinity = -Float.infinity
    if count < cols { (row + count).update(repeating: 0, count: cols - count) }
    guard count > 0 else { return }

    // Pass 1: apply the mask (written back, so later passes need not re-read it) and find the
    // maximum with four independent max chains.
    var m0 = Vec8(repeating: negativeInfinity)
    var m1 = m0
    var m2 = m0
    var m3 = m0
    var i = 0
    while i + 32 <= count {
      var v0 = Vec8.load(row + i)
      var v1 = Vec8.load(row + i + 8)
      var v2 = Vec8.load(row + i + 16)
      var v3 = Vec8.load(row + i + 24)
      if let mask {
        v0 += .load(mask + i)
        v1 += .load(mask + i + 8)
        v2 += .load(mask + i + 16)
        v3 += .load(mask + i + 24)
        v0.store(to: row + i)
        v1.store(to: row + i + 8)
        v2.store(to: row + i + 16)
        v3.store(to: row + i + 24)
      }
      m0 = SIMDMath.max(m0, v0)
      m1 = SIMDMath.max(m1, v1)
      m2 = SIMDMath.max(m2, v2)
      m3 = SIMDMath.max(m3, v3)
      i += 32
    }
    while i < count {
      let n = min(8, count - i)
      var v = Vec8.load(row + i, count: n, fill: negativeInfinity)
      if let mask {
        v += .load(mask + i, count: n)
        v.store(to: row + i, count: n)
      }
      m0 = SIMDMath.max(m0, v)
      i += 8
    }
    let maximum = SIMDMath.max(SIMDMath.max(SIMDMath.max(m0, m1), SIMDMath.max(m2, m3)))
    guard maximum > negativeInfinity else {
      row.update(repeating: 0, count: count)  // every entry masked out
      return
    }

    // Pass 2: exponentiate (all arguments ≤ 0) and sum, 32 lanes at a time.
    let shift = Wide(repeating: maximum)
    var total = Wide()
    i = 0
    while i + 32 <= count {
      let e = SIMDMath.exp(Wide.load(row + i) - shift)
      e.store(to: row + i)
      total += e
      i += 32
    }
    if i < count {
      // Padding lanes hold -inf, whose exponential is exactly 0, so they add nothing.
      let e = SIMDMath.exp(Wide.load(row + i, count: count - i, fill: negativeInfinity) - shift)
      e.store(to: row + i, count: count - i)
      total += e
    }

    // Pass 3: normalise.
    let inverse = Vec8(repeating: 1 / total.sum())
    i = 0
    while i + 8 <= count {
      (Vec8.load(row + i) * inverse).store(to: row + i)
      i += 8
    }
    if i < count {
      (Vec8.load(row + i, count: count - i) * inverse).store(to: row + i, count: count - i)
    }
  }
}
