/// Distance functions over stored vectors, as types so that the search loops specialise on the
/// metric instead of switching on it for every candidate.
///
/// Vectors are kept zero-padded to a multiple of 16 floats (``VectorStorage/paddedDimension``),
/// so the kernels run whole 8-lane vectors with no ragged tail; the zero lanes add nothing to a
/// dot product or a squared difference. Four independent accumulators keep the FMA unit busy:
/// a single accumulator would wait the full FMA latency on every step.
protocol DistanceKernel {
  /// The distance between the `count`-float vectors at `a` and `b` (`count` a multiple of 16).
  static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float
}

/// `1 − a·b`: cosine distance between unit vectors.
enum CosineDistance: DistanceKernel {
  @inline(__always)
  static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    1 - DotProduct.compute(a, b, count: count)
  }
}

/// `−a·b`.
enum NegativeDotDistance: DistanceKernel {
  @inline(__always)
  static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    -DotProduct.compute(a, b, count: count)
  }
}

/// `‖a − b‖²`.
enum SquaredEuclideanDistance: DistanceKernel {
  @inline(__always)
  static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var s0 = SIMD8<Float>()
    var s1 = SIMD8<Float>()
    var s2 = SIMD8<Float>()
    var s3 = SIMD8<Float>()
    var i = 0
    while i + 32 <= count {
      let d0 = SIMD8.load(a + i) - SIMD8.load(b + i)
      let d1 = SIMD8.load(a + i + 8) - SIMD8.load(b + i + 8)
      let d2 = SIMD8.load(a + i + 16) - SIMD8.load(b + i + 16)
      let d3 = SIMD8.load(a + i + 24) - SIMD8.load(b + i + 24)
      s0 = s0.addingProduct(d0, d0)
      s1 = s1.addingProduct(d1, d1)
      s2 = s2.addingProduct(d2, d2)
      s3 = s3.addingProduct(d3, d3)
      i += 32
    }
    if i < count {  // the last 16 of a padded vector
      let d0 = SIMD8.load(a + i) - SIMD8.load(b + i)
      let d1 = SIMD8.load(a + i + 8) - SIMD8.load(b + i + 8)
      s0 = s0.addingProduct(d0, d0)
      s1 = s1.addingProduct(d1, d1)
    }
    return ((s0 + s1) + (s2 + s3)).lanesSum()
  }
}

/// `a·b` over padded vectors.
enum DotProduct {
  @inline(__always)
  static func compute(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var s0 = SIMD8<Float>()
    var s1 = SIMD8<Float>()
    var s2 = SIMD8<Float>()
    var s3 = SIMD8<Float>()
    var i = 0
    while i + 32 <= count {
      s0 = s0.addingProduct(SIMD8.load(a + i), SIMD8.load(b + i))
      s1 = s1.addingProduct(SIMD8.load(a + i + 8), SIMD8.load(b + i + 8))
      s2 = s2.addingProduct(SIMD8.load(a + i + 16), SIMD8.load(b + i + 16))
      s3 = s3.addingProduct(SIMD8.load(a + i + 24), SIMD8.load(b + i + 24))
      i += 32
    }
    if i < count {  // the last 16 of a padded vector
      s0 = s0.addingProduct(SIMD8.load(a + i), SIMD8.load(b + i))
      s1 = s1.addingProduct(SIMD8.load(a + i + 8), SIMD8.load(b + i + 8))
    }
    return ((s0 + s1) + (s2 + s3)).lanesSum()
  }
}
