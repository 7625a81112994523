import TwinTensor

/// Q8_0: 32 weights in 34 bytes — `Float16` scale d, then 32 signed bytes q. weight = d · q.
enum BlockQ8_0: Block32Format {
  static let type = GGMLType.q8_0
  static let hasMinimum = false
  static let hasWideWeights = true

  @_transparent
  static func unpack(_ p: UnsafeRawPointer) -> (weights: SplitBlock, scale: Float, minimum: Float) {
    // Word i holds elements 2i (low byte) and 2i + 1 (high byte); arithmetic shifts sign-extend.
    let words = p.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int16>.self)
    return (SplitBlock(even: (words &<< 8) &>> 8, odd: words &>> 8), HalfFloat.float(at: p), 0)
  }
}
