/// Unpacking of 4-bit and extra high bits into the even/odd 16-bit lanes of a ``SplitBlock``.
enum Nibbles {
  /// The 32 nibbles of the 16 bytes at `p` in the Q4_0/Q4_1/Q5 layout — byte i holds element i
  /// in its low nibble and element i + 16 in its high nibble — as unsigned values 0…15.
  ///
  /// The 16 bytes are loaded as eight 16-bit words into both halves of a 16-lane vector; word
  /// i holds bytes 2i and 2i+1, i.e. elements 2i, 2i+16 (byte 2i) and 2i+1, 2i+17 (byte 2i+1).
  /// Multiplying each half by a different power of two shifts the wanted nibble to a common
  /// position, so one shift and mask extracts elements 0, 2, …, 14 into the low half and
  /// 16, 18, …, 30 into the high half (the even elements), and likewise the odd ones. LLVM
  /// lowers the multiply-then-shift to per-lane variable shifts.
  @_transparent
  static func lowHigh(_ p: UnsafeRawPointer) -> (even: SIMD16<UInt16>, odd: SIMD16<UInt16>) {
    let words = p.loadUnaligned(as: SIMD8<UInt16>.self)
    let both = SIMD16<UInt16>(lowHalf: words, highHalf: words)
    let toEven = SIMD16<UInt16>(lowHalf: .init(repeating: 256), highHalf: .init(repeating: 16))
    let toOdd = SIMD16<UInt16>(lowHalf: .init(repeating: 16), highHalf: .init(repeating: 1))
    return (((both &* toEven) &>> 8) & 0xF, (both &* toOdd) &>> 12)
  }

  /// One 32-element run of the K-quant layout: the 32 bytes at `p` hold element l of the run in
  /// byte l, in the nibble selected by `shift` (0 for the low nibble, 4 for the high one).
  @_transparent
  static func run(_ p: UnsafeRawPointer, shift: UInt16) -> (
    even: SIMD16<UInt16>, odd: SIMD16<UInt16>
  ) {
    let words = p.loadUnaligned(as: SIMD16<UInt16>.self)
    return ((words &>> shift) & 0xF, (words &>> (shift &+ 8)) & 0xF)
  }

  /// All-ones lanes where element i of a 32-element block has bit i of `bits` set, zero lanes
  /// elsewhere: the fifth bits of Q5_0/Q5_1, split into even and odd elements like
  /// ``lowHigh(_:)``.
  ///
  /// Lanes 0–7 test bits 0–15 (elements 0–15), lanes 8–15 bits 16–31: lane i of the even
  /// half tests bit 2i of its 16 bits, of the odd half bit 2i + 1. The comparison's mask is
  /// reinterpreted as its storage (`SIMDMask` keeps true lanes as −1), because
  /// `replacing(with:where:)` compiles to a scalar loop; and spelled any other way — per-lane
  /// shifts or multiplies of the broadcast bits — LLVM splits the lanes back into scalar code.
  @_transparent
  static func fifthBits(_ bits: UInt32) -> (even: SIMD16<UInt16>, odd: SIMD16<UInt16>) {
    let words = SIMD16<UInt16>(
      lowHalf: .init(repeating: UInt16(truncatingIfNeeded: bits)),
      highHalf: .init(repeating: UInt16(truncatingIfNeeded: bits >> 16)))
    // Spelled out, not static constants, which would cost a lazy-initialisation check per call.
    let evenMasks = SIMD16<UInt16>(
      1 << 0, 1 << 2, 1 << 4, 1 << 6, 1 << 8, 1 << 10, 1 << 12, 1 << 14,
      1 << 0, 1 << 2, 1 << 4, 1 << 6, 1 << 8, 1 << 10, 1 << 12, 1 << 14)
    let oddMasks = evenMasks &<< 1
    return (
      unsafeBitCast((words & evenMasks) .== evenMasks, to: SIMD16<UInt16>.self),
      unsafeBitCast((words & oddMasks) .== oddMasks, to: SIMD16<UInt16>.self)
    )
  }
}

extension SIMD16 where Scalar == UInt16 {
  /// The same bits as signed lanes (all values here are small, so nothing changes sign).
  @_transparent
  var signed: SIMD16<Int16> { unsafeBitCast(self, to: SIMD16<Int16>.self) }
}
