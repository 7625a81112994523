/// Reductions for pooling and normalising embeddings: sums, dot products, column means, L2 norms.
///
/// A plain `for` loop sum never vectorises (reassociating float additions changes the result,
/// and Swift has no fast-math), and a single vector accumulator is bound by the add latency.
/// These keep four independent 8-lane accumulators, which also makes them a little more accurate
/// than a sequential sum (32 partial sums, combined pairwise).
extension Kernels {
  /// `Σ x[i]` over `count` floats.
  public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    reduce(count, SumTerms(x: x))
  }

  /// `Σ a[i] · b[i]` over `count` floats.
  public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float
  {
    reduce(count, DotTerms(a: a, b: b))
  }

  /// The cosine similarity of two vectors; 0 when their lengths differ, they are empty, or
  /// one is all zeros.
  public static func cosine(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count, !a.isEmpty else { return 0 }
    func dot(_ x: [Float], _ y: [Float]) -> Float {
      x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in Kernels.dot(x.baseAddress!, y.baseAddress!, count: x.count) } }
    }
    let (na, nb) = (dot(a, a), dot(b, b))
    return na > 0 && nb > 0 ? dot(a, b) / (na * nb).squareRoot() : 0
  }

  /// `out[c] = Σ_r x[r, c]`: the column sums of a `rows × cols` block whose rows are `rowStride`
  /// floats apart (default `cols`). `out` must not overlap `x`.
  public static func sumRows(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, rowStride: Int? = nil,
    into out: UnsafeMutablePointer<Float>
  ) {
    let ld = rowStride ?? cols
    precondition(rows >= 0 && cols >= 0 && ld >= cols, "bad shape or stride")
    out.update(repeating: 0, count: cols)
    // Row by row: `out` (one hidden vector) stays in L1 while the rows stream through.
    for r in 0..<rows {
      let row = x + r * ld
      var j = 0
      while j + 8 <= cols {
        (Vec8.load(out + j) + Vec8.load(row + j)).store(to: out + j)
        j += 8
      }
      while j < cols {
        out[j] += row[j]
        j += 1
      }
    }
  }

  /// `out[c] = (1/rows) · Σ_r x[r, c]`: mean pooling over the token rows of one sequence (pass
  /// only its unpadded rows). With `rows == 0` the output is all zeros.
  public static func meanRows(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, rowStride: Int? = nil,
    into out: UnsafeMutablePointer<Float>
  ) {
    sumRows(x, rows: rows, cols: cols, rowStride: rowStride, into: out)
    if rows > 1 { scale(out, by: 1 / Float(rows), count: cols) }
  }

  /// `x ← x / max(‖x‖₂, epsilon)` over `count` floats; PyTorch's `F.normalize` (default
  /// `eps = 1e-12`), used to make sentence embeddings unit length.
  public static func l2Normalize(
    _ x: UnsafeMutablePointer<Float>, count: Int, epsilon: Float = 1e-12
  ) {
    let norm = dot(x, x, count: count).squareRoot()
    scale(x, by: 1 / max(norm, epsilon), count: count)
  }

  /// ``l2Normalize(_:count:epsilon:)`` applied to each of `rows` rows, `rowStride` apart.
  public static func l2NormalizeRows(
    _ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, rowStride: Int? = nil,
    epsilon: Float = 1e-12
  ) {
    let ld = rowStride ?? cols
    precondition(rows >= 0 && cols >= 0 && ld >= cols, "bad shape or stride")
    for r in 0..<rows { l2Normalize(x + r * ld, count: cols, epsilon: epsilon) }
  }

  /// Column means of `m` (mean pooling over all its rows).
  public static func meanRows(_ m: Matrix) -> [Float] {
    var out = [Float](repeating: 0, count: m.cols)
    m.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { o in
        meanRows(x.nonEmptyBase, rows: m.rows, cols: m.cols, into: o.nonEmptyBase)
      }
    }
    return out
  }

  /// `v / max(‖v‖₂, epsilon)`.
  public static func l2Normalized(_ v: [Float], epsilon: Float = 1e-12) -> [Float] {
    var out = v
    out.withUnsafeMutableBufferPointer {
      l2Normalize($0.nonEmptyBase, count: $0.count, epsilon: epsilon)
    }
    return out
  }

  /// Folds vectors `i = 0, 8, 16, …` of a `count`-long range into four independent accumulators
  /// with `terms.step`; `terms.tail` folds the last partial vector.
  @inline(__always)
  static func reduce<T: ReductionTerms>(_ count: Int, _ terms: T) -> Float {
    var s0 = Vec8()
    var s1 = Vec8()
    var s2 = Vec8()
    var s3 = Vec8()
    var i = 0
    while i + 32 <= count {
      s0 = terms.step(s0, i)
      s1 = terms.step(s1, i + 8)
      s2 = terms.step(s2, i + 16)
      s3 = terms.step(s3, i + 24)
      i += 32
    }
    while i + 8 <= count {
      s0 = terms.step(s0, i)
      i += 8
    }
    if i < count { s1 = terms.tail(s1, i, count - i) }
    return SIMDMath.sum((s0 + s1) + (s2 + s3))
  }
}

/// What ``Kernels/reduce(_:_:)`` sums (a type, so the loop specialises and inlines it).
protocol ReductionTerms {
  /// `acc` plus the terms of the 8 elements at `i`.
  func step(_ acc: Vec8, _ i: Int) -> Vec8
  /// `acc` plus the terms of the `n` (< 8) elements at `i`; the other lanes must add 0.
  func tail(_ acc: Vec8, _ i: Int, _ n: Int) -> Vec8
}

/// `Σ x[i]`.
struct SumTerms: ReductionTerms {
  let x: UnsafePointer<Float>
  @inline(__always) func step(_ acc: Vec8, _ i: Int) -> Vec8 { acc + .load(x + i) }
  @inline(__always) func tail(_ acc: Vec8, _ i: Int, _ n: Int) -> Vec8 {
    acc + .load(x + i, count: n)
  }
}

/// `Σ a[i]·b[i]`, one FMA per vector.
struct DotTerms: ReductionTerms {
  let a: UnsafePointer<Float>
  let b: UnsafePointer<Float>
  @inline(__always) func step(_ acc: Vec8, _ i: Int) -> Vec8 {
    acc.addingProduct(.load(a + i), .load(b + i))
  }
  @inline(__always) func tail(_ acc: Vec8, _ i: Int, _ n: Int) -> Vec8 {
    acc.addingProduct(.load(a + i, count: n), .load(b + i, count: n))
  }
}

/// `Σ (x[i] − mean)²`.
struct SquaredDeviationTerms: ReductionTerms {
  let x: UnsafePointer<Float>
  let mean: Float
  @inline(__always) func step(_ acc: Vec8, _ i: Int) -> Vec8 {
    let d = Vec8.load(x + i) - Vec8(repeating: mean)
    return acc.addingProduct(d, d)
  }
  @inline(__always) func tail(_ acc: Vec8, _ i: Int, _ n: Int) -> Vec8 {
    let d = Vec8.load(x + i, count: n, fill: mean) - Vec8(repeating: mean)  // padding lanes: d = 0
    return acc.addingProduct(d, d)
  }
}
