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

  /// Eight bytes zero-extended to 32-bit lanes. Spelled lane by lane, as ``float(_:)-(SIMD8<Int32>)``
  /// is: LLVM makes it one `vpmovzxbd`, where the standard library's generic
  /// `init(truncatingIfNeeded:)` stays an out-of-line call in the kernels.
  @_transparent
  static func widen(_ v: SIMD8<UInt8>) -> SIMD8<Int32> {
    SIMD8<Int32>(
      Int32(v[0]), Int32(v[1]), Int32(v[2]), Int32(v[3]), Int32(v[4]), Int32(v[5]), Int32(v[6]),
      Int32(v[7]))
  }

  /// Sixteen bytes sign-extended to 32-bit lanes (`vpmovsxbd`), as ``widen(_:)-(SIMD8<UInt8>)``.
  @_transparent
  static func widen(_ v: SIMD16<Int8>) -> SIMD16<Int32> {
    SIMD16<Int32>(
      Int32(v[0]), Int32(v[1]), Int32(v[2]), Int32(v[3]), Int32(v[4]), Int32(v[5]), Int32(v[6]),
      Int32(v[7]), Int32(v[8]), Int32(v[9]), Int32(v[10]), Int32(v[11]), Int32(v[12]), Int32(v[13]),
      Int32(v[14]), Int32(v[15]))
  }

  /// The low 16 bits of each lane, spelled lane by lane for the reason
  /// ``widen(_:)-(SIMD8<UInt8>)`` gives.
  @_transparent
  static func narrow16(_ v: SIMD16<Int32>) -> SIMD16<Int16> {
    SIMD16<Int16>(
      Int16(truncatingIfNeeded: v[0]), Int16(truncatingIfNeeded: v[1]), Int16(truncatingIfNeeded: v[2]),
      Int16(truncatingIfNeeded: v[3]), Int16(truncatingIfNeeded: v[4]), Int16(truncatingIfNeeded: v[5]),
      Int16(truncatingIfNeeded: v[6]), Int16(truncatingIfNeeded: v[7]), Int16(truncatingIfNeeded: v[8]),
      Int16(truncatingIfNeeded: v[9]), Int16(truncatingIfNeeded: v[10]), Int16(truncatingIfNeeded: v[11]),
      Int16(truncatingIfNeeded: v[12]), Int16(truncatingIfNeeded: v[13]), Int16(truncatingIfNeeded: v[14]),
      Int16(truncatingIfNeeded: v[15]))
  }

  /// The low 8 bits of each lane, as ``narrow16(_:)``.
  @_transparent
  static func narrow8(_ v: SIMD16<Int32>) -> SIMD16<Int8> {
    SIMD16<Int8>(
      Int8(truncatingIfNeeded: v[0]), Int8(truncatingIfNeeded: v[1]), Int8(truncatingIfNeeded: v[2]),
      Int8(truncatingIfNeeded: v[3]), Int8(truncatingIfNeeded: v[4]), Int8(truncatingIfNeeded: v[5]),
      Int8(truncatingIfNeeded: v[6]), Int8(truncatingIfNeeded: v[7]), Int8(truncatingIfNeeded: v[8]),
      Int8(truncatingIfNeeded: v[9]), Int8(truncatingIfNeeded: v[10]), Int8(truncatingIfNeeded: v[11]),
      Int8(truncatingIfNeeded: v[12]), Int8(truncatingIfNeeded: v[13]), Int8(truncatingIfNeeded: v[14]),
      Int8(truncatingIfNeeded: v[15]))
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

  /// The lane sums of four vectors, `SIMD4(sum(a), sum(b), sum(c), sum(d))`: pairs added
  /// within 128-bit halves twice (two vectors per step), then the halves, so the shuffles serve
  /// two vectors at a time where four ``sum(_:)-(SIMD8<Int32>)`` fold each alone. Wrapping, but
  /// callers keep each total within `Int32`, and integer sums do not depend on their order:
  /// the same four values.
  @_transparent
  static func sums(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>, _ c: SIMD8<Int32>, _ d: SIMD8<Int32>) -> SIMD4<Int32> {
    let ab = pairSums(a, b)
    let abcd = pairSums(ab, pairSums(c, d))
    return abcd.lowHalf &+ abcd.highHalf
  }

  /// Adjacent lanes of `a` and `b` added, each 128-bit half on its own:
  /// `[a₀+a₁, a₂+a₃, b₀+b₁, b₂+b₃, a₄+a₅, a₆+a₇, b₄+b₅, b₆+b₇]` (two in-lane shuffles and an add).
  @_transparent
  static func pairSums(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> {
    SIMD8(a[0], a[2], b[0], b[2], a[4], a[6], b[4], b[6]) &+ SIMD8(a[1], a[3], b[1], b[3], a[5], a[7], b[5], b[7])
  }

  /// Sixteen 16-bit lanes at `p` (no alignment needed).
  @_transparent
  static func load16(_ p: UnsafePointer<Int16>) -> SIMD16<Int16> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Int16>.self)
  }
}
