/// Element-wise arithmetic over flat float arrays and bias rows.
///
/// These are memory-bound (one FMA per 8–12 bytes moved), so they only split over threads for
/// large arrays: a thread hand-off is worth it above roughly 64 K elements.
extension Kernels {
  /// Elements per thread below which element-wise loops stay on one thread.
  static let elementWiseChunk = 65_536

  /// `c[i] = a[i] + b[i]` for `count` elements; `c` may be `a` or `b` (a residual connection).
  public static func add(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
    count: Int
  ) {
    zip(a, b, into: c, count: count, Sum())
  }

  /// `c[i] = a[i] · b[i]` for `count` elements; `c` may be `a` or `b` (a gated feed-forward).
  public static func multiply(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
    count: Int
  ) {
    zip(a, b, into: c, count: count, Product())
  }

  /// `x[i] ← x[i] · factor` for `count` elements.
  public static func scale(_ x: UnsafeMutablePointer<Float>, by factor: Float, count: Int) {
    mapInPlace(
      x, count: count, minChunk: elementWiseChunk, Scaling(factor: Wide(repeating: factor)))
  }

  /// Adds `bias` (`cols` floats) to each of `rows` rows of `x`, rows `rowStride` apart
  /// (default `cols`).
  public static func addBias(
    _ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, rowStride: Int? = nil,
    bias: UnsafePointer<Float>
  ) {
    let ld = rowStride ?? cols
    precondition(rows >= 0 && cols >= 0 && ld >= cols, "bad shape or stride")
    Parallel.forRange(rows, minChunk: max(1, elementWiseChunk / max(cols, 1))) { range in
      for r in range {
        let row = x + r * ld
        var j = 0
        while j + 8 <= cols {
          (Vec8.load(row + j) + Vec8.load(bias + j)).store(to: row + j)
          j += 8
        }
        if j < cols {
          (Vec8.load(row + j, count: cols - j) + Vec8.load(bias + j, count: cols - j)).store(
            to: row + j, count: cols - j)
        }
      }
    }
  }

  /// `a + b` element-wise for same-shaped matrices.
  public static func add(_ a: Matrix, _ b: Matrix) -> Matrix {
    precondition(a.rows == b.rows && a.cols == b.cols, "shapes differ")
    var out = a
    b.withUnsafeBufferPointer { bp in
      out.withUnsafeMutableBufferPointer { op in
        add(UnsafePointer(op.nonEmptyBase), bp.nonEmptyBase, into: op.nonEmptyBase, count: op.count)
      }
    }
    return out
  }

  /// Shared loop of the binary element-wise kernels.
  @inline(__always)
  private static func zip<F: ElementCombine>(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
    count: Int, _ f: F
  ) {
    precondition(count >= 0, "negative count")
    Parallel.forRange(count, minChunk: elementWiseChunk) { range in
      var i = range.lowerBound
      let end = range.upperBound
      while i + 8 <= end {
        f(.load(a + i), .load(b + i)).store(to: c + i)
        i += 8
      }
      if i < end {
        f(.load(a + i, count: end - i), .load(b + i, count: end - i)).store(
          to: c + i, count: end - i)
      }
    }
  }
}

/// A lane-wise binary operation (a type, so generic loops inline it; see ``ElementMap``).
protocol ElementCombine {
  func callAsFunction(_ a: Vec8, _ b: Vec8) -> Vec8
}

struct Sum: ElementCombine {
  @inline(__always) func callAsFunction(_ a: Vec8, _ b: Vec8) -> Vec8 { a + b }
}

struct Product: ElementCombine {
  @inline(__always) func callAsFunction(_ a: Vec8, _ b: Vec8) -> Vec8 { a * b }
}

struct Scaling: ElementMap {
  let factor: Wide
  @inline(__always) func callAsFunction(_ v: Wide) -> Wide { v * factor }
}
