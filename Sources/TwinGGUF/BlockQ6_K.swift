import TwinTensor

/// Q6_K: 256 weights in 210 bytes — 128 bytes of low four bits, 64 bytes of high two bits,
/// sixteen signed 8-bit scales (one per 16 weights), then the `Float16` scale d.
/// weight = d·scₖ·(q − 32).
///
/// Each half (128 weights) uses 64 low-bit bytes and 32 high-bit bytes: its 32-element group g
/// takes byte l of the low bits at 32·(g mod 2) in nibble g ÷ 2, and bits 2g…2g+1 of high byte l.
enum BlockQ6_K: SuperBlockFormat {
  static let type = GGMLType.q6_K
  static let hasMinimum = false

  /// Only d: the sub-block scales are read from the block as they are needed.
  struct Scales {
    var d: Float
    var block: UnsafeRawPointer

    /// Scale k (0..<16), for weights 16k…16k+15.
    @_transparent
    func scale(_ k: Int) -> Int32 {
      Int32(block.load(fromByteOffset: 192 + k, as: Int8.self))
    }

    /// All sixteen scales, one per lane.
    @_transparent
    var all: SIMD16<Int32> { LaneMath.widen(block.loadUnaligned(fromByteOffset: 192, as: SIMD16<Int8>.self)) }
  }

  /// Not repacked: the row-by-row kernel, or the tiled GEMM from 8 vectors on.
  static func orders(vectors: Int) -> [(vectors: Range<Int>, order: SuperBlockOrder)] {
    [(0..<vectors, vectors >= 8 ? .tiled : .lanes)]
  }

  @_transparent
  static func scales(_ p: UnsafeRawPointer) -> Scales {
    Scales(d: HalfFloat.float(at: p + 208), block: p)
  }

  @_transparent
  static func scale(_ s: Scales) -> Float { s.d }

  @_transparent
  static func minimumScale(_ s: Scales) -> Float { 0 }

  @_transparent
  static func subBlock(_ p: UnsafeRawPointer, _ j: Int) -> SplitBlock {
    let q = productBlock(p, j)
    let offset = SIMD16<Int16>(repeating: 32)
    return SplitBlock(even: q.even &- offset, odd: q.odd &- offset)
  }

  /// The unsigned values q (0…63).
  @_transparent
  static func productBlock(_ p: UnsafeRawPointer, _ j: Int) -> SplitBlock {
    let half = j >> 2
    let group = j & 3
    let low = Nibbles.run(
      p + 64 * half + 32 * (group & 1), shift: UInt16(truncatingIfNeeded: 4 * (group >> 1)))
    // Word i of the high bits holds bytes 2i (even elements) and 2i + 1 (odd elements).
    let bits = p.loadUnaligned(fromByteOffset: 128 + 32 * half, as: SIMD16<UInt16>.self)
    let shift = UInt16(truncatingIfNeeded: 2 * group)
    let evenHigh = ((bits &>> shift) & 3) &<< 4
    let oddHigh = ((bits &>> (shift &+ 8)) & 3) &<< 4
    return SplitBlock(even: (low.even | evenHigh).signed, odd: (low.odd | oddHigh).signed)
  }

  @_transparent
  static var hasLaneCorrection: Bool { true }

  /// −32 · scₖ: the offset of q − 32, taken out per lane.
  @_transparent
  static func correctionScales(_ s: Scales) -> SIMD16<Int32> { s.all &* -32 }

  #if TWIN_BYTE_KERNELS
    @_transparent
    static func sixteenScales(_ s: Scales) -> SIMD16<Int32> { s.all }
  #endif

  @_transparent
  static func laneScales(_ s: Scales, _ j: Int) -> SIMD8<Int32> {
    // Lanes 0–3 cover the sub-block's first 16 elements, lanes 4–7 the last 16.
    SIMD8<Int32>(
      lowHalf: SIMD4(repeating: s.scale(2 * j)), highHalf: SIMD4(repeating: s.scale(2 * j + 1)))
  }

  @_transparent
  static func minimums(_ s: Scales) -> SIMD8<Int32> { SIMD8() }

  @_transparent
  static func dequantizationScales(_ s: Scales, _ j: Int) -> (
    low: Float, high: Float, minimum: Float
  ) {
    (s.d * Float(s.scale(2 * j)), s.d * Float(s.scale(2 * j + 1)), 0)
  }
}
