/// Loads and stores of float vectors (`Vec8`, `Wide`) at arbitrary pointers, including the
/// ragged end of a row.
///
/// Row lengths are rarely multiples of the vector width (sequence lengths, odd test shapes), so
/// every kernel runs its main loop on whole vectors and finishes with one partial vector
/// through these helpers, rather than keeping a separate scalar version of its math.
extension SIMD where Scalar == Float {
  /// The `scalarCount` floats at `p` (no alignment needed).
  @inline(__always)
  static func load(_ p: UnsafePointer<Float>) -> Self {
    UnsafeRawPointer(p).loadUnaligned(as: Self.self)
  }

  /// The first `count` (< `scalarCount`) floats at `p`, the other lanes set to `fill`.
  @inline(__always)
  static func load(_ p: UnsafePointer<Float>, count: Int, fill: Float = 0) -> Self {
    var v = Self(repeating: fill)
    for i in 0..<count { v[i] = p[i] }
    return v
  }

  /// Writes all lanes to `p`.
  @inline(__always)
  func store(to p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self)
  }

  /// Writes the first `count` lanes to `p`.
  @inline(__always)
  func store(to p: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { p[i] = self[i] }
  }
}

/// A lane-wise function, as a type so that generic kernels specialise and inline it (closures
/// passed through a parallel loop stay indirect calls, one per vector).
protocol ElementMap {
  func callAsFunction(_ v: Wide) -> Wide
}

extension Kernels {
  /// Applies `f` to `count` floats in place, 32 lanes (four registers) at a time, on several
  /// threads when long enough. `minChunk` sets the smallest share per thread.
  @inline(__always)
  static func mapInPlace<F: ElementMap>(
    _ x: UnsafeMutablePointer<Float>, count: Int, minChunk: Int = 16_384, _ f: F
  ) {
    precondition(count >= 0, "negative count")
    Parallel.forRange(count, minChunk: minChunk) { range in
      var i = range.lowerBound
      let end = range.upperBound
      while i + 32 <= end {
        f(.load(x + i)).store(to: x + i)
        i += 32
      }
      // Each range finishes its own ragged end; partial stores touch only its elements.
      if i < end {
        f(.load(x + i, count: end - i)).store(to: x + i, count: end - i)
      }
    }
  }
}
