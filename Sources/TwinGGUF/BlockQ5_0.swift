import TwinTensor

/// Q5_0: 32 weights in 22 bytes — `Float16` scale d, a little-endian `UInt32` whose bit i is the
/// fifth bit of element i, then the low four bits laid out as in Q4_0. weight = d · (q − 16).
enum BlockQ5_0: Block32Format {
  static let type = GGMLType.q5_0
  static let hasMinimum = false

  @_transparent
  static func unpack(_ p: UnsafeRawPointer) -> (weights: SplitBlock, scale: Float, minimum: Float) {
    let high = Nibbles.fifthBits(
      UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self)))
    let low = Nibbles.lowHigh(p + 6)
    // q − 16 = low − 16 where the fifth bit is clear, low where it is set.
    let sixteen = SIMD16<UInt16>(repeating: 16)
    return (
      SplitBlock(
        even: low.even.signed &- (~high.even & sixteen).signed,
        odd: low.odd.signed &- (~high.odd & sixteen).signed),
      HalfFloat.float(at: p), 0
    )
  }
}
