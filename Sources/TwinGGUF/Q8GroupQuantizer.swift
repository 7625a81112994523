/// The vector form of ``Q8Activations``' per-element quantisation, 32 values at a time.
///
/// Same results as the scalar loop, which stays for blocks holding an infinity or NaN: for
/// finite values `|x · (127 / max|x|)|` cannot exceed 127 by more than two ulps, so rounding
/// (to nearest, ties to even) never needs the clamp and stays in the range of ``rounded(_:)``, and the maximum of the magnitudes is
/// taken on their bit patterns, which order like the values for finite non-negative floats.
enum Q8GroupQuantizer {
  /// The largest magnitude among `count` values at `x` (a multiple of 32), or nil when one of
  /// them is not finite.
  @inline(__always)
  static func maximumMagnitude(_ x: UnsafePointer<Float>, count: Int) -> Float? {
    var largest = SIMD16<UInt32>()
    var i = 0
    while i < count {
      let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<UInt32>.self) & 0x7FFF_FFFF
      largest = pointwiseMax(largest, a)
      i += 16
    }
    let top = largest.max()
    return top < 0x7F80_0000 ? Float(bitPattern: top) : nil
  }

  /// Quantises the 32 values at `x` with `inverse` (127 / max|x| or 0), storing them split
  /// (16 even-index then 16 odd-index values, as 16-bit lanes) at `split`, in natural order at
  /// `natural`, and their four-element sums at `fours`; returns their sum.
  @inline(__always)
  static func quantize(
    _ x: UnsafePointer<Float>, inverse: Float, split: UnsafeMutablePointer<Int16>,
    natural: UnsafeMutablePointer<Int8>, fours: UnsafeMutablePointer<Int32>
  ) -> Int32 {
    let scale = SIMD16<Float>(repeating: inverse)
    let low = rounded(UnsafeRawPointer(x).loadUnaligned(as: SIMD16<Float>.self) * scale)
    let high = rounded(UnsafeRawPointer(x + 16).loadUnaligned(as: SIMD16<Float>.self) * scale)
    let even = SIMD16<Int32>(
      low[0], low[2], low[4], low[6], low[8], low[10], low[12], low[14],
      high[0], high[2], high[4], high[6], high[8], high[10], high[12], high[14])
    let odd = SIMD16<Int32>(
      low[1], low[3], low[5], low[7], low[9], low[11], low[13], low[15],
      high[1], high[3], high[5], high[7], high[9], high[11], high[13], high[15])
    UnsafeMutableRawPointer(split).storeBytes(of: LaneMath.narrow16(even), as: SIMD16<Int16>.self)
    UnsafeMutableRawPointer(split + 16).storeBytes(of: LaneMath.narrow16(odd), as: SIMD16<Int16>.self)
    UnsafeMutableRawPointer(natural).storeBytes(of: LaneMath.narrow8(low), as: SIMD16<Int8>.self)
    UnsafeMutableRawPointer(natural + 16).storeBytes(of: LaneMath.narrow8(high), as: SIMD16<Int8>.self)
    // Four-element sums: pairs first, then pairs of pairs.
    let pairs = even &+ odd  // lane k: elements 2k and 2k + 1 (k < 8 from `low`, the rest `high`)
    let quads = SIMD8<Int32>(
      pairs[0] &+ pairs[1], pairs[2] &+ pairs[3], pairs[4] &+ pairs[5], pairs[6] &+ pairs[7],
      pairs[8] &+ pairs[9], pairs[10] &+ pairs[11], pairs[12] &+ pairs[13], pairs[14] &+ pairs[15])
    UnsafeMutableRawPointer(fours).storeBytes(of: quads, as: SIMD8<Int32>.self)
    return quads.wrappedSum()
  }

  /// `v` rounded to the nearest integers, ties to even, for |v| < 2²²: adding 1.5 · 2²³ leaves
  /// the rounded value in the low mantissa bits (the float addition itself rounds to nearest
  /// even, the units being the last place there). One add and one subtract, where
  /// `Int32(v.rounded(...))` checks every lane's range and stays scalar.
  @_transparent
  static func rounded(_ v: SIMD16<Float>) -> SIMD16<Int32> {
    let shifted = v + SIMD16<Float>(repeating: 0x1.8p23)
    return unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
  }
}
