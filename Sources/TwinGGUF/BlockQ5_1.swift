import TwinTensor

/// Q5_1: 32 weights in 24 bytes — `Float16` scale d and minimum m, the fifth bits as a `UInt32`,
/// then the low four bits laid out as in Q4_0. weight = d · q + m.
enum BlockQ5_1: Block32Format {
  static let type = GGMLType.q5_1
  static let hasMinimum = true

  @_transparent
  static func unpack(_ p: UnsafeRawPointer) -> (weights: SplitBlock, scale: Float, minimum: Float) {
    let high = Nibbles.fifthBits(
      UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
    let low = Nibbles.lowHigh(p + 8)
    let sixteen = SIMD16<UInt16>(repeating: 16)
    return (
      SplitBlock(
        even: (low.even | (high.even & sixteen)).signed,
        odd: (low.odd | (high.odd & sixteen)).signed),
      HalfFloat.float(at: p), HalfFloat.float(at: p + 2)
    )
  }
}
