import TwinTensor

/// The scales of a Q4_K or Q5_K super-block: `Float16` d and dmin, then twelve bytes packing
/// eight 6-bit sub-block scales and eight 6-bit minima.
///
/// Packing (bytes 0–11 of the field): bytes 0–3 hold scales 0–3 in their low six bits, bytes
/// 4–7 minima 0–3 likewise; bytes 8–11 hold the low four bits of scales 4–7 (low nibble) and of
/// minima 4–7 (high nibble), whose top two bits sit in the spare top bits of bytes 0–3 (scales)
/// and 4–7 (minima). Working on the three 32-bit words at once gathers all sixteen values in a
/// handful of operations.
struct KQuantScales {
  var d: Float
  var dmin: Float
  /// Sub-block scale j in byte j.
  var scales: UInt64
  /// Sub-block minimum j in byte j.
  var minimums: UInt64

  /// Decodes the super-block at `p` (d at offset 0, dmin at 2, the packed field at 4).
  @_transparent
  init(_ p: UnsafeRawPointer) {
    let w0 = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
    let w1 = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
    let w2 = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
    let low6: UInt32 = 0x3F3F_3F3F
    let low4: UInt32 = 0x0F0F_0F0F
    let low2: UInt32 = 0x0303_0303
    let scalesLow = w0 & low6
    let scalesHigh = (w2 & low4) | (((w0 >> 6) & low2) << 4)
    let minimumsLow = w1 & low6
    let minimumsHigh = ((w2 >> 4) & low4) | (((w1 >> 6) & low2) << 4)
    d = HalfFloat.float(at: p)
    dmin = HalfFloat.float(at: p + 2)
    scales = UInt64(scalesLow) | UInt64(scalesHigh) << 32
    minimums = UInt64(minimumsLow) | UInt64(minimumsHigh) << 32
  }

  /// Sub-block `j`'s scale.
  @_transparent
  func scale(_ j: Int) -> Int32 { Int32(truncatingIfNeeded: (scales >> (8 &* UInt64(j))) & 0xFF) }

  /// Sub-block `j`'s minimum.
  @_transparent
  func minimum(_ j: Int) -> Int32 {
    Int32(truncatingIfNeeded: (minimums >> (8 &* UInt64(j))) & 0xFF)
  }

  /// All eight minima, one per lane.
  @_transparent
  var minimumLanes: SIMD8<Int32> {
    // The eight bytes widened at once (`vpmovzxbd`), not extracted one by one.
    LaneMath.widen(unsafeBitCast(minimums.littleEndian, to: SIMD8<UInt8>.self))
  }

  /// Each sub-block's scale for both of its 16-element halves (lanes 2j and 2j + 1).
  @_transparent
  var sixteenScales: SIMD16<Int32> {
    let w = LaneMath.widen(unsafeBitCast(scales.littleEndian, to: SIMD8<UInt8>.self))
    return SIMD16(
      w[0], w[0], w[1], w[1], w[2], w[2], w[3], w[3], w[4], w[4], w[5], w[5], w[6], w[6], w[7], w[7])
  }

  @_transparent
  func dequantizationScales(_ j: Int) -> (low: Float, high: Float, minimum: Float) {
    let scale = d * Float(scale(j))
    return (scale, scale, dmin * Float(minimum(j)))
  }
}
