/// Unaligned SIMD loads from float pointers, for the distance kernels.
extension SIMD8 where Scalar == Float {
  /// The 8 floats at `p` (no alignment needed; stored vectors are 64-byte aligned anyway).
  @inline(__always)
  static func load(_ p: UnsafePointer<Float>) -> Self {
    UnsafeRawPointer(p).loadUnaligned(as: Self.self)
  }

  /// The sum of the 8 lanes, as a tree of shuffles and adds (`sum()` is a generic lane loop).
  @inline(__always)
  func lanesSum() -> Float {
    let h = lowHalf + highHalf
    let q = h.lowHalf + h.highHalf
    return q[0] + q[1]
  }
}
