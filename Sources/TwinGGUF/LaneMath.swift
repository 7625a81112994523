/// Small SIMD steps shared by the dot-product kernels.
///
/// All `@_transparent`: the kernels call them once per block inside their hottest loops, where
/// an out-of-line call (passing 32-byte vectors through memory) would cost more than the work.
enum LaneMath {
  /// Sums adjacent pairs of 16-bit lanes into 32-bit lanes: lane k of the result is
  /// `p[2k] + p[2k+1]`, exactly, provided each pair's sum fits 16 bits.
  ///
  /// Reinterpreting the vector as 32-bit lanes puts `p[2k]` in the low and `p[2k+1]` in the
  /// high half of lane k; adding the lane shifted up by 16 leaves the pair's sum in the high
  /// half (the low half is untouched, so nothing carries), and an arithmetic shift brings it
  /// down with its sign. Three instructions where a sign-extending conversion of both halves
  /// would take five.
  @_transparent
  static func pairSum(_ p: SIMD16<Int16>) -> SIMD8<Int32> {
    let x = unsafeBitCast(p, to: SIMD8<Int32>.self)
    return (x &+ (x &<< 16)) &>> 16
  }

  /// Sums adjacent pairs of 16-bit lanes into 32-bit lanes exactly, for any values: both
  /// halves of each 32-bit lane are sign-extended (shift up then arithmetically down, and
  /// arithmetic shift down) before adding. One instruction more than ``pairSum(_:)``.
  @_transparent
  static func widePairSum(_ p: SIMD16<Int16>) -> SIMD8<Int32> {
    let x = unsafeBitCast(p, to: SIMD8<Int32>.self)
    return ((x &<< 16) &>> 16) &+ (x &>> 16)
  }

  /// The lanes converted to `Float` (exactly, below 2²⁴).
  ///
  /// Spelled lane by lane, which LLVM turns into one `vcvtdq2ps`; the standard library's
  /// generic `SIMD8<Float>(SIMD8<Int32>)` is not always inlined, and a call per block would
  /// cost more than the block's arithmetic.
  @_transparent
  static func float(_ v: SIMD8<Int32>) -> SIMD8<Float> {
    SIMD8<Float>(
      Float(v[0]), Float(v[1]), Float(v[2]), Float(v[3]), Float(v[4]), Float(v[5]), Float(v[6]),
      Float(v[7]))
  }

  /// Four lanes converted to `Float`, as ``float(_:)-(SIMD8<Int32>)`` does eight.
  @_transparent
  static func float(_ v: SIMD4<Int32>) -> SIMD4<Float> {
    SIMD4<Float>(Float(v[0]), Float(v[1]), Float(v[2]), Float(v[3]))
  }

  /// Sixteen lanes converted to `Float`, as ``float(_:)-(SIMD8<Int32>)`` does eight.
  @_transparent
  static func float(_ v: SIMD16<Int32>) -> SIMD16<Float> {
    SIMD16<Float>(lowHalf: float(v.lowHalf), highHalf: float(v.highHalf))
  }

  /// Sum of the lanes, in a tree (as many independent additions as possible).
  @_transparent
  static func sum(_ v: SIMD8<Float>) -> Float {
    let h = v.lowHalf + v.highHalf
    let q = h.lowHalf + h.highHalf
    return q[0] + q[1]
  }

  /// Sum of the lanes; wrapping, but callers keep the total within `Int32`.
  @_transparent
  static func sum(_ v: SIMD8<Int32>) -> Int32 {
    let h = v.lowHalf &+ v.highHalf
    let q = h.lowHalf &+ h.highHalf
    return q[0] &+ q[1]
  }

  /// Sixteen 16-bit lanes at `p` (no alignment needed).
  @_transparent
  static func load16(_ p: UnsafePointer<Int16>) -> SIMD16<Int16> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Int16>.self)
  }
}
