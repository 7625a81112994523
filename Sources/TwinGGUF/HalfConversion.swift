/// Widening of 16-bit floats (IEEE binary16 and bfloat16) to `Float`, one value or eight.
///
/// The eight-lane forms are written lane by lane because that is what LLVM turns into a single
/// `vcvtph2ps` (binary16) or a zero-extend and shift (bfloat16); the standard library's
/// `SIMD8<Float>(SIMD8<Float16>)` initialiser is a generic call that is not inlined, which costs
/// a call per eight weights in a matrix-vector product. Every conversion is exact.
public enum HalfConversion {
  /// The value of binary16 `bits`.
  @_transparent
  public static func float(_ bits: UInt16) -> Float {
    #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
      return Float(Float16(bitPattern: bits))
    #else
      return softwareFloat(bits)
    #endif
  }

  /// The binary16 stored (little-endian) at `p`, which need not be aligned.
  @_transparent
  static func float(at p: UnsafeRawPointer) -> Float {
    float(p.loadUnaligned(as: UInt16.self))
  }

  /// Eight consecutive binary16 values at `p`.
  @_transparent
  public static func floats(at p: UnsafeRawPointer) -> SIMD8<Float> {
    let h = p.loadUnaligned(as: SIMD8<UInt16>.self)
    return SIMD8<Float>(
      float(h[0]), float(h[1]), float(h[2]), float(h[3]), float(h[4]), float(h[5]),
      float(h[6]), float(h[7]))
  }

  /// The value of bfloat16 `bits`: the upper half of a binary32.
  @_transparent
  static func bfloat(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
  }

  /// Eight consecutive bfloat16 values at `p`.
  @_transparent
  static func bfloats(at p: UnsafeRawPointer) -> SIMD8<Float> {
    let h = p.loadUnaligned(as: SIMD8<UInt16>.self)
    return SIMD8<Float>(
      bfloat(h[0]), bfloat(h[1]), bfloat(h[2]), bfloat(h[3]), bfloat(h[4]), bfloat(h[5]),
      bfloat(h[6]), bfloat(h[7]))
  }

  /// The portable binary16 conversion, for Intel Macs where Swift has no `Float16`.
  @inlinable @inline(__always)
  public static func softwareFloat(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1f
    let mantissa = UInt32(bits & 0x3ff)
    switch exponent {
    case 0:
      // Zero or subnormal: mantissa · 2⁻²⁴, exact in a Float.
      return Float(bitPattern: (Float(mantissa) * 0x1p-24).bitPattern | sign)
    case 0x1f:
      // Infinity, or a NaN made quiet as the hardware conversion does.
      let quiet: UInt32 = mantissa == 0 ? 0 : 0x40_0000
      return Float(bitPattern: sign | 0x7f80_0000 | quiet | (mantissa << 13))
    default:
      return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
  }
}
