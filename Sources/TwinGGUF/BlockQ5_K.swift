/// Q5_K: 256 weights in 176 bytes — ``KQuantScales`` (16 bytes), 32 bytes of fifth bits (bit j
/// of byte l is the fifth bit of element l of sub-block j), then the low four bits laid out as
/// in Q4_K. weight = d·scⱼ·q − dmin·mⱼ.
enum BlockQ5_K: SuperBlockFormat {
  static let type = GGMLType.q5_K
  static let hasMinimum = true

  @_transparent
  static func scales(_ p: UnsafeRawPointer) -> KQuantScales { KQuantScales(p) }

  @_transparent
  static func scale(_ s: KQuantScales) -> Float { s.d }

  @_transparent
  static func minimumScale(_ s: KQuantScales) -> Float { s.dmin }

  @_transparent
  static func subBlock(_ p: UnsafeRawPointer, _ j: Int) -> SplitBlock {
    let low = Nibbles.run(p + 48 + 32 * (j >> 1), shift: UInt16(truncatingIfNeeded: 4 * (j & 1)))
    // Word i of the fifth bits holds bytes 2i (even elements) and 2i + 1 (odd elements).
    let bits = p.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt16>.self)
    let shift = UInt16(truncatingIfNeeded: j)
    let evenHigh = ((bits &>> shift) & 1) &<< 4
    let oddHigh = ((bits &>> (shift &+ 8)) & 1) &<< 4
    return SplitBlock(even: (low.even | evenHigh).signed, odd: (low.odd | oddHigh).signed)
  }

  @_transparent
  static func laneScales(_ s: KQuantScales, _ j: Int) -> SIMD8<Int32> {
    SIMD8<Int32>(repeating: s.scale(j))
  }

  @_transparent
  static func minimums(_ s: KQuantScales) -> SIMD8<Int32> { s.minimumLanes }

  #if TWIN_BYTE_KERNELS
    @_transparent
    static func sixteenScales(_ s: KQuantScales) -> SIMD16<Int32> { s.sixteenScales }
  #endif

  @_transparent
  static func dequantizationScales(_ s: KQuantScales, _ j: Int) -> (
    low: Float, high: Float, minimum: Float
  ) { s.dequantizationScales(j) }
}
