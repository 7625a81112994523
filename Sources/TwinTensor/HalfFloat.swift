/// Widening of 16-bit floats (IEEE binary16 and bfloat16) to `Float`: one value, eight, or a
/// whole buffer. The one home of this conversion for weights files, GGUF blocks and the KV cache.
///
/// Every conversion is exact: each binary16 and bfloat16 value, subnormals and infinities
/// included, is representable as a `Float`. NaNs stay NaN with their sign (a signalling binary16
/// NaN comes back quiet, as the x86 and ARM conversion instructions do).
///
/// The eight-lane forms are written lane by lane because that is what LLVM turns into a single
/// `vcvtph2ps` (binary16) or a zero-extend and shift (bfloat16); the standard library's
/// `SIMD8<Float>(SIMD8<Float16>)` initialiser is a generic call that is not inlined, which costs a
/// call per eight weights in a matrix-vector product.
public enum HalfFloat {
  /// The value of binary16 `bits`.
  @_transparent
  public static func float(_ bits: UInt16) -> Float {
    #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
      // The hardware conversion (F16C on x86, FCVT on ARM); Swift lacks Float16 only on Intel Macs.
      return Float(Float16(bitPattern: bits))
    #else
      return softwareFloat(bits)
    #endif
  }

  /// The binary16 stored (little-endian) at `p`, which need not be aligned.
  @_transparent
  public static func float(at p: UnsafeRawPointer) -> Float {
    float(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
  }

  /// Eight consecutive binary16 values at `p`, which need not be aligned.
  @_transparent
  public static func floats(at p: UnsafeRawPointer) -> SIMD8<Float> {
    let h = p.loadUnaligned(as: SIMD8<UInt16>.self)
    return SIMD8<Float>(
      float(h[0]), float(h[1]), float(h[2]), float(h[3]), float(h[4]), float(h[5]),
      float(h[6]), float(h[7]))
  }

  /// The value of bfloat16 `bits`: bfloat16 is the upper half of a binary32.
  @_transparent
  public static func bfloat(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
  }

  /// Eight consecutive bfloat16 values at `p`, which need not be aligned.
  @_transparent
  public static func bfloats(at p: UnsafeRawPointer) -> SIMD8<Float> {
    let h = p.loadUnaligned(as: SIMD8<UInt16>.self)
    return SIMD8<Float>(
      bfloat(h[0]), bfloat(h[1]), bfloat(h[2]), bfloat(h[3]), bfloat(h[4]), bfloat(h[5]),
      bfloat(h[6]), bfloat(h[7]))
  }

  /// The portable binary16 conversion, used where Swift has no `Float16` (Intel Macs); public so
  /// a test can hold it to the hardware one on every bit pattern.
  @inlinable @inline(__always)
  public static func softwareFloat(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1f
    let mantissa = UInt32(bits & 0x3ff)
    switch exponent {
    case 0:
      // Zero or subnormal: mantissa × 2⁻²⁴ exactly (both factors and the product fit a Float).
      return Float(bitPattern: (Float(mantissa) * 0x1p-24).bitPattern | sign)
    case 0x1f:
      // Infinity keeps a zero mantissa; a NaN keeps its payload and is made quiet.
      let quiet: UInt32 = mantissa == 0 ? 0 : 0x40_0000
      return Float(bitPattern: sign | 0x7f80_0000 | quiet | (mantissa << 13))
    default:
      // Rebias the exponent from 15 to 127; the mantissa widens from 10 to 23 bits.
      return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
  }

  /// Widens little-endian binary16 values in `source` into `destination` (same element count).
  public static func convertFloat16(
    _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>
  ) {
    precondition(
      source.count == destination.count * 2, "F16 source and Float destination sizes differ")
    guard let base = source.baseAddress else { return }
    for i in destination.indices { destination[i] = float(at: base + i &* 2) }
  }

  /// Widens little-endian bfloat16 values in `source` into `destination` (same element count).
  public static func convertBFloat16(
    _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>
  ) {
    precondition(
      source.count == destination.count * 2, "BF16 source and Float destination sizes differ")
    guard let base = source.baseAddress else { return }
    for i in destination.indices {
      destination[i] = bfloat(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)))
    }
  }
}
