/// Q4_K: 256 weights in 144 bytes — ``KQuantScales`` (d, dmin, eight 6-bit scales and minima;
/// 16 bytes), then 128 bytes of 4-bit values: bytes 32c…32c+31 hold sub-block 2c in their low
/// nibbles and sub-block 2c + 1 in their high nibbles. weight = d·scⱼ·q − dmin·mⱼ.
enum BlockQ4_K: SuperBlockFormat {
  static let type = GGMLType.q4_K
  static let hasMinimum = true

  /// llama.cpp repacks Q4_K matrices (`q4_K_8x8`) on AVX2 CPUs: its GEMM takes the vectors
  /// four at a time, its GEMV the rest.
  static func orders(vectors: Int) -> [(vectors: Range<Int>, order: SuperBlockOrder)] {
    let grouped = vectors - vectors % 4
    return [(0..<grouped, .subBlockPairs), (grouped..<vectors, .wholeBlock)].filter { !$0.vectors.isEmpty }
  }

  @_transparent
  static func scales(_ p: UnsafeRawPointer) -> KQuantScales { KQuantScales(p) }

  @_transparent
  static func scale(_ s: KQuantScales) -> Float { s.d }

  @_transparent
  static func minimumScale(_ s: KQuantScales) -> Float { s.dmin }

  @_transparent
  static func subBlock(_ p: UnsafeRawPointer, _ j: Int) -> SplitBlock {
    let q = Nibbles.run(p + 16 + 32 * (j >> 1), shift: UInt16(truncatingIfNeeded: 4 * (j & 1)))
    return SplitBlock(even: q.even.signed, odd: q.odd.signed)
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
