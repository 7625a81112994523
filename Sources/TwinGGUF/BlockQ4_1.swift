import TwinTensor

/// Q4_1: 32 weights in 20 bytes — `Float16` scale d and minimum m, then 16 bytes of 4-bit values
/// q laid out as in Q4_0. weight = d · q + m.
enum BlockQ4_1: Block32Format {
  static let type = GGMLType.q4_1
  static let hasMinimum = true

  @_transparent
  static func unpack(_ p: UnsafeRawPointer) -> (weights: SplitBlock, scale: Float, minimum: Float) {
    let q = Nibbles.lowHigh(p + 4)
    return (
      SplitBlock(even: q.even.signed, odd: q.odd.signed),
      HalfFloat.float(at: p), HalfFloat.float(at: p + 2)
    )
  }
}
