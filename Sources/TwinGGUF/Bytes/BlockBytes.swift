#if TWIN_BYTE_KERNELS
import Builtin
import TwinTensor

/// A 32-element block's weights as unsigned bytes in their natural order, for the byte
/// dot-product kernels: weight i = `bytes[i]` − 2^`offsetShift` (no offset when the shift is
/// nil), times the scale, plus the minimum where the format has one.
///
/// Keeping the weights unsigned lets one unsigned × signed byte product serve every format; the
/// offset is taken back out of the integer sums with the activations' four-element sums, so the
/// result is the same integer as multiplying the signed weights.
///
/// The 32 bytes are held as eight 32-bit lanes, four bytes each, and all byte arithmetic is done
/// on those lanes: Swift spells operations on `SIMD32<UInt8>` lane by lane, and LLVM leaves 32
/// lanes as a loop, where eight lanes become single vector instructions.
struct ByteBlock {
  var bytes: SIMD8<UInt32>
  var scale: Float
  var minimum: Float
}

/// Unpacking of the 4-bit and 5-bit layouts into natural-order bytes (four to a 32-bit lane).
enum ByteNibbles {
  /// The 16 bytes at `p` in the Q4_0/Q4_1/Q5 layout — byte i holds element i in its low nibble
  /// and element i + 16 in its high one — as 32 values 0…15.
  @_transparent
  static func lowHigh(_ p: UnsafeRawPointer) -> SIMD8<UInt32> {
    let v = p.loadUnaligned(as: SIMD4<UInt32>.self)
    let mask = SIMD4<UInt32>(repeating: 0x0F0F_0F0F)
    return SIMD8(lowHalf: v & mask, highHalf: (v &>> 4) & mask)
  }

  /// The 32 bytes at `p`, four to a lane. Byte arithmetic on them shifts whole 32-bit lanes and
  /// then masks each byte, so bits that cross into a neighbouring byte are always cleared.
  @_transparent
  static func lanes(_ p: UnsafeRawPointer) -> SIMD8<UInt32> { p.loadUnaligned(as: SIMD8<UInt32>.self) }

  /// 16 where bit i of `bits` is set, 0 elsewhere: Q5's fifth bits, weighted.
  ///
  /// The 32 bits become a mask register and the mask becomes bytes (`kmovd`, `vpmovm2b`: all
  /// ones where the bit is set), two instructions where spreading the bits with vector
  /// arithmetic takes a dozen.
  @_transparent
  static func fifthBits(_ bits: UInt32) -> SIMD8<UInt32> {
    let mask = Builtin.bitcast_Int32_Vec32xInt1(bits._value)
    return unsafeBitCast(Builtin.sext_Vec32xInt1_Vec32xInt8(mask), to: SIMD8<UInt32>.self) & 0x1010_1010
  }
}

extension BlockQ4_0 {
  @_transparent static var offsetShift: Int32? { 3 }
  @_transparent
  static func bytes(_ p: UnsafeRawPointer) -> ByteBlock {
    ByteBlock(bytes: ByteNibbles.lowHigh(p + 2), scale: HalfFloat.float(at: p), minimum: 0)
  }
}

extension BlockQ4_1 {
  @_transparent static var offsetShift: Int32? { nil }
  @_transparent
  static func bytes(_ p: UnsafeRawPointer) -> ByteBlock {
    ByteBlock(
      bytes: ByteNibbles.lowHigh(p + 4), scale: HalfFloat.float(at: p),
      minimum: HalfFloat.float(at: p + 2))
  }
}

extension BlockQ5_0 {
  @_transparent static var offsetShift: Int32? { 4 }
  @_transparent
  static func bytes(_ p: UnsafeRawPointer) -> ByteBlock {
    let high = ByteNibbles.fifthBits(p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
    return ByteBlock(bytes: ByteNibbles.lowHigh(p + 6) | high, scale: HalfFloat.float(at: p), minimum: 0)
  }
}

extension BlockQ5_1 {
  @_transparent static var offsetShift: Int32? { nil }
  @_transparent
  static func bytes(_ p: UnsafeRawPointer) -> ByteBlock {
    let high = ByteNibbles.fifthBits(p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
    return ByteBlock(
      bytes: ByteNibbles.lowHigh(p + 8) | high, scale: HalfFloat.float(at: p),
      minimum: HalfFloat.float(at: p + 2))
  }
}

extension BlockQ8_0 {
  /// Signed bytes w become w + 128, so 128 is taken back out.
  @_transparent static var offsetShift: Int32? { 7 }
  @_transparent
  static func bytes(_ p: UnsafeRawPointer) -> ByteBlock {
    ByteBlock(
      bytes: p.loadUnaligned(fromByteOffset: 2, as: SIMD8<UInt32>.self) ^ 0x8080_8080, scale: HalfFloat.float(at: p),
      minimum: 0)
  }
}
#endif

#if TWIN_BYTE_KERNELS
  extension BlockQ4_K {
    /// Sub-blocks 2t and 2t + 1: the low and the high nibbles of the same 32 bytes.
    @_transparent
    static func productBytes(_ p: UnsafeRawPointer, _ t: Int) -> SIMD16<UInt32> {
      ByteDot.nibbles(p + 16 + 32 * t)
    }
  }

  extension BlockQ5_K {
    /// Sub-blocks 2t and 2t + 1: the low and high nibbles of 32 bytes, each with its fifth bit
    /// (bit 2t or 2t + 1 of the same byte of the high bits).
    @_transparent
    static func productBytes(_ p: UnsafeRawPointer, _ t: Int) -> SIMD16<UInt32> {
      let q = ByteNibbles.lanes(p + 48 + 32 * t)
      let bits = ByteNibbles.lanes(p + 16)
      let j = UInt32(truncatingIfNeeded: 2 * t)
      let first = (q & 0x0F0F_0F0F) | (((bits &>> j) & 0x0101_0101) &<< 4)
      let second = ((q &>> 4) & 0x0F0F_0F0F) | (((bits &>> (j + 1)) & 0x0101_0101) &<< 4)
      return SIMD16(lowHalf: first, highHalf: second)
    }
  }

  extension BlockQ6_K {
    /// Sub-blocks 2t and 2t + 1, unsigned (q, 0…63, as ``productBlock(_:_:)``): groups g and
    /// g + 1 of half t ÷ 2 (g = 2 · (t mod 2)), whose low four bits are the same nibble of two
    /// consecutive 32-byte runs and whose high two bits are bits 2g and 2g + 2 of the same
    /// high-bit bytes.
    @_transparent
    static func productBytes(_ p: UnsafeRawPointer, _ t: Int) -> SIMD16<UInt32> {
      let half = t >> 1
      let g = UInt32(truncatingIfNeeded: 2 * (t & 1))
      let nibble = 4 * UInt32(truncatingIfNeeded: t & 1)
      // The two 32-byte runs are adjacent: one 64-byte load gives both halves' low bits; the
      // high bits are one run for both, shifted per half (ByteDot.halvesShifted).
      let low = (p + 64 * half).loadUnaligned(as: SIMD16<UInt32>.self)
      let bits = ByteDot.halvesShifted(ByteNibbles.lanes(p + 128 + 32 * half), 2 * g, 2 * g + 2)
      return ((low &>> nibble) & 0x0F0F_0F0F) | ((bits & 0x0303_0303) &<< 4)
    }
  }
#endif
