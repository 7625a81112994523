import TwinTensor

/// Q4_0: 32 weights in 18 bytes — `Float16` scale d, then 16 bytes of 4-bit values q (element i
/// in the low nibble of byte i, element i + 16 in the high nibble). weight = d · (q − 8).
enum BlockQ4_0: Block32Format {
  static let type = GGMLType.q4_0
  static let hasMinimum = false

  @_transparent
  static func unpack(_ p: UnsafeRawPointer) -> (weights: SplitBlock, scale: Float, minimum: Float) {
    let q = Nibbles.lowHigh(p + 2)
    let eight = SIMD16<Int16>(repeating: 8)
    return (
      SplitBlock(even: q.even.signed &- eight, odd: q.odd.signed &- eight),
      HalfFloat.float(at: p), 0
    )
  }
}
