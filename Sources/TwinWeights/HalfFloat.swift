/// Bit-exact widening of 16-bit floats to `Float`, one value or a whole buffer.
///
/// Both conversions are exact: every F16 and BF16 value, subnormals and infinities included, is
/// representable as a `Float`. NaNs stay NaN with their sign (a signalling F16 NaN comes back
/// quiet, as the x86 and ARM conversion instructions do).
public enum HalfFloat {
  /// The `Float` whose upper 16 bits are `bits`: bfloat16 is a truncated binary32.
  @inlinable
  public static func float(fromBFloat16Bits bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
  }

  /// The value of IEEE 754 binary16 `bits`.
  @inlinable
  public static func float(fromFloat16Bits bits: UInt16) -> Float {
    #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
      // The hardware conversion (F16C on x86, FCVT on ARM); Swift lacks Float16 only on Intel Macs.
      return Float(Float16(bitPattern: bits))
    #else
      return softwareFloat(fromFloat16Bits: bits)
    #endif
  }

  /// The portable conversion, used where `Float16` is unavailable (macOS on Intel); public so
  /// tests can hold it to the hardware one on every bit pattern.
  public static func softwareFloat(fromFloat16Bits bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1f
    let mantissa = UInt32(bits & 0x3ff)
    switch exponent {
    case 0:
      // Zero or subnormal: mantissa × 2⁻²⁴ exactly (both factors and the product fit a Float).
      let magnitude = Float(mantissa) * 0x1p-24
      return Float(bitPattern: magnitude.bitPattern | sign)
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
    for i in destination.indices {
      // Unaligned loads: tensor data in a mapped file need not be 2-byte aligned.
      let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))
      destination[i] = float(fromFloat16Bits: bits)
    }
  }

  /// Widens little-endian bfloat16 values in `source` into `destination` (same element count).
  public static func convertBFloat16(
    _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>
  ) {
    precondition(
      source.count == destination.count * 2, "BF16 source and Float destination sizes differ")
    for i in destination.indices {
      let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))
      destination[i] = float(fromBFloat16Bits: bits)
    }
  }
}
