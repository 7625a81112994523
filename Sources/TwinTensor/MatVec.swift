/// Matrix–vector products: the decode step of an LLM, where each new token multiplies one
/// activation vector by every weight matrix.
///
/// At one FMA per weight loaded this is bound by memory bandwidth, not arithmetic, so the kernel
/// streams W once, row after row, and works on four rows at a time so each load of `x` (kept in
/// L1) serves four rows' FMAs; eight accumulators hide the FMA latency.
extension Kernels {
  /// `y[i] = Σ_j W[i, j] · x[j] (+ bias[i])` for `W [n × k]` row-major (PyTorch `nn.Linear`
  /// layout), rows `rowStride` apart (default `k`). Runs on several threads when W is large.
  ///
  /// - Parameters:
  ///   - w: The weights, `n` rows of `k` floats.
  ///   - n: Rows of W, the length of `y`.
  ///   - k: Columns of W, the length of `x`.
  ///   - x: The input vector (`k` floats).
  ///   - y: The output (`n` floats); must not overlap `x` or `w`.
  ///   - bias: `n` floats added to `y`, or nil.
  public static func matvec(
    _ w: UnsafePointer<Float>, rows n: Int, cols k: Int, rowStride: Int? = nil,
    x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>? = nil
  ) {
    let ld = rowStride ?? k
    precondition(n >= 0 && k >= 0 && ld >= k, "bad shape or stride")
    // Quads of rows per thread chunk: ≥ 256 KB of weights, enough to amortise a hand-off.
    let quads = (n + 3) / 4
    Parallel.forRange(quads, minChunk: max(1, 16_384 / max(k, 1))) { range in
      let end = min(n, range.upperBound * 4)
      var i = range.lowerBound * 4
      while i + 4 <= end {
        dot4(w + i * ld, ld: ld, x: x, k: k, into: y + i)
        i += 4
      }
      while i < end {
        y[i] = dot(w + i * ld, x, count: k)
        i += 1
      }
      if let bias {
        for r in (range.lowerBound * 4)..<end { y[r] += bias[r] }
      }
    }
  }

  /// `y[r] = W[r, :] · x` for four consecutive rows.
  @inline(__always)
  private static func dot4(
    _ w: UnsafePointer<Float>, ld: Int, x: UnsafePointer<Float>, k: Int,
    into y: UnsafeMutablePointer<Float>
  ) {
    let w0 = w
    let w1 = w + ld
    let w2 = w + 2 * ld
    let w3 = w + 3 * ld
    var a0 = Vec8()
    var b0 = Vec8()
    var a1 = Vec8()
    var b1 = Vec8()
    var a2 = Vec8()
    var b2 = Vec8()
    var a3 = Vec8()
    var b3 = Vec8()
    var j = 0
    while j + 16 <= k {
      let x0 = Vec8.load(x + j)
      let x1 = Vec8.load(x + j + 8)
      a0 = a0.addingProduct(.load(w0 + j), x0)
      b0 = b0.addingProduct(.load(w0 + j + 8), x1)
      a1 = a1.addingProduct(.load(w1 + j), x0)
      b1 = b1.addingProduct(.load(w1 + j + 8), x1)
      a2 = a2.addingProduct(.load(w2 + j), x0)
      b2 = b2.addingProduct(.load(w2 + j + 8), x1)
      a3 = a3.addingProduct(.load(w3 + j), x0)
      b3 = b3.addingProduct(.load(w3 + j + 8), x1)
      j += 16
    }
    while j < k {
      let n = min(8, k - j)
      let xv = Vec8.load(x + j, count: n)
      a0 = a0.addingProduct(.load(w0 + j, count: n), xv)
      a1 = a1.addingProduct(.load(w1 + j, count: n), xv)
      a2 = a2.addingProduct(.load(w2 + j, count: n), xv)
      a3 = a3.addingProduct(.load(w3 + j, count: n), xv)
      j += 8
    }
    y[0] = SIMDMath.sum(a0 + b0)
    y[1] = SIMDMath.sum(a1 + b1)
    y[2] = SIMDMath.sum(a2 + b2)
    y[3] = SIMDMath.sum(a3 + b3)
  }

  /// `W · x (+ bias)` for a ``Matrix`` W `[n × k]`.
  public static func matvec(_ w: Matrix, _ x: [Float], bias: [Float]? = nil) -> [Float] {
    precondition(x.count == w.cols, "x has \(x.count) values, W has \(w.cols) columns")
    precondition(bias == nil || bias!.count == w.rows, "bias length must equal rows")
    var y = [Float](repeating: 0, count: w.rows)
    w.withUnsafeBufferPointer { wp in
      x.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer { yp in
          withOptionalPointer(bias) { b in
            matvec(
              wp.nonEmptyBase, rows: w.rows, cols: w.cols, x: xp.nonEmptyBase,
              into: yp.nonEmptyBase, bias: b)
          }
        }
      }
    }
    return y
  }
}
