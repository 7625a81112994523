/// Thirty-two quantised weights as 16-bit integers, split into even and odd elements.
///
/// Why split: the nibbles and bytes of a block come apart into 16-bit lanes most cheaply as
/// "every other element" (shifting and masking whole 16-bit words), so the kernels keep that
/// order, and ``Q8Activations`` stores each 32 activations the same way — 16 even-index values
/// then 16 odd-index ones — so lane i of `even` meets the activation it multiplies. Products of
/// a 6-bit weight and an 8-bit activation and the sum of two of them fit in 16 bits, which is
/// what lets the kernels multiply sixteen pairs per instruction.
struct SplitBlock {
  /// Elements 0, 2, 4, …, 30.
  var even: SIMD16<Int16>
  /// Elements 1, 3, 5, …, 31.
  var odd: SIMD16<Int16>

  /// `Σᵢ wᵢ·aᵢ` over the block in eight partial sums, for activations split the same way:
  /// lane k holds elements 4k…4k+3 (lanes 0–3 the block's first 16 elements, 4–7 the rest).
  ///
  /// Weights of at most six bits (|w| ≤ 32, with |a| ≤ 127): each 16-bit lane holds two
  /// products and stays below 2¹⁵ even when two lanes are added, so the cheaper pair sum is exact.
  @_transparent
  func products(_ a: UnsafePointer<Int16>) -> SIMD8<Int32> {
    LaneMath.pairSum(even &* LaneMath.load16(a) &+ odd &* LaneMath.load16(a + 16))
  }

  /// ``products(_:)`` for 8-bit weights (|w| ≤ 128): two products per lane still fit 16 bits
  /// (2 · 128 · 127 < 2¹⁵), but the sum of two such lanes does not, so lanes are widened before
  /// the pairs are added.
  @_transparent
  func wideProducts(_ a: UnsafePointer<Int16>) -> SIMD8<Int32> {
    LaneMath.widePairSum(even &* LaneMath.load16(a) &+ odd &* LaneMath.load16(a + 16))
  }

  /// Writes `scale · w + offset` for the block's elements in their natural order (first 16
  /// elements with `lowScale`, last 16 with `highScale`), computed as ggml and the `gguf`
  /// package do: a product rounded to `Float`, then the offset added.
  @inline(__always)
  func dequantize(
    lowScale: Float, highScale: Float, offset: Float?, into out: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<16 {
      let scale = i < 8 ? lowScale : highScale
      var e = scale * Float(even[i])
      var o = scale * Float(odd[i])
      if let offset {
        e = e + offset
        o = o + offset
      }
      out[2 * i] = e
      out[2 * i + 1] = o
    }
  }
}

/// A quantisation with 32-element blocks, each with its own `Float16` scale d (and, for the
/// `_1` types, a minimum m): weight = d·q (+ m). Dot products use Q8_0-style activations.
protocol Block32Format {
  /// The ggml type.
  static var type: GGMLType { get }
  /// Whether blocks carry a minimum m (Q4_1, Q5_1) added to every weight.
  static var hasMinimum: Bool { get }
  /// Whether weights need eight bits (Q8_0), so products must use ``SplitBlock/wideProducts(_:)``.
  static var hasWideWeights: Bool { get }
  /// The block at `p`: its integer weights (offset already removed for the symmetric types),
  /// its scale and its minimum (0 when there is none).
  static func unpack(_ p: UnsafeRawPointer) -> (weights: SplitBlock, scale: Float, minimum: Float)
  #if TWIN_BYTE_KERNELS
    /// For the byte kernels: weight = stored byte − 2^offsetShift, or nil when bytes are the
    /// weights as they are (the formats with a minimum).
    static var offsetShift: Int32? { get }
    /// The block at `p` as natural-order unsigned bytes (see ``ByteBlock``).
    static func bytes(_ p: UnsafeRawPointer) -> ByteBlock
  #endif
}

extension Block32Format {
  static var hasWideWeights: Bool { false }

  /// `Σᵢ wᵢ·aᵢ` of the unpacked block `weights` with the activations at `a`, in eight lanes.
  @_transparent
  static func products(_ weights: SplitBlock, _ a: UnsafePointer<Int16>) -> SIMD8<Int32> {
    hasWideWeights ? weights.wideProducts(a) : weights.products(a)
  }

  #if TWIN_BYTE_KERNELS
    /// ``ByteDot/dot(_:_:_:)`` of this format's ``ByteBlock`` bytes `u`: only Q8_0's reach 128,
    /// so the others take the cheaper ``ByteDot/narrowDot(_:_:_:)`` (the same integers).
    @_transparent
    static func byteDot(_ acc: SIMD16<Int32>, _ u: SIMD16<UInt32>, _ s: SIMD16<Int32>) -> SIMD16<Int32> {
      hasWideWeights ? ByteDot.dot(acc, u, s) : ByteDot.narrowDot(acc, u, s)
    }
  #endif
}

/// A K-quantisation: 256-element super-blocks of eight 32-element sub-blocks, with a `Float16`
/// scale d (and minimum scale dmin) per super-block and small integer scales per sub-block, so
/// a super-block's integer products can be summed before one conversion to `Float`. Dot
/// products use Q8_K-style activations (one scale per 256).
protocol SuperBlockFormat {
  /// The decoded per-super-block scales.
  associatedtype Scales
  /// The ggml type.
  static var type: GGMLType { get }
  /// Whether weights have a minimum term: weight = d·scᵢ·q − dmin·mᵢ (Q4_K, Q5_K).
  static var hasMinimum: Bool { get }
  /// Decodes the scales of the super-block at `p`.
  static func scales(_ p: UnsafeRawPointer) -> Scales
  /// The super-block scale d.
  static func scale(_ s: Scales) -> Float
  /// The super-block minimum scale dmin (0 without minima).
  static func minimumScale(_ s: Scales) -> Float
  /// The integer weights of sub-block `j` (0..<8), signed, ready to multiply.
  static func subBlock(_ p: UnsafeRawPointer, _ j: Int) -> SplitBlock
  /// Sub-block `j`'s integer scales for the eight lanes of ``SplitBlock/products(_:)``.
  static func laneScales(_ s: Scales, _ j: Int) -> SIMD8<Int32>
  /// The integer minima mⱼ of the eight sub-blocks (zeros without minima).
  static func minimums(_ s: Scales) -> SIMD8<Int32>
  /// Sub-block `j`'s weights as the integer products take them: ``subBlock(_:_:)``'s, except
  /// that Q6_K's stay unsigned (q, not q − 32), as in ggml's kernel, which takes the offset out
  /// of each super-block's lanes afterwards (``laneCorrection(_:_:)``).
  static func productBlock(_ p: UnsafeRawPointer, _ j: Int) -> SplitBlock
  /// Whether ``laneCorrection(_:_:)`` is ever nonzero.
  static var hasLaneCorrection: Bool { get }
  /// How `Float` partial sums are accumulated in a product with `vectors` vectors: llama.cpp's
  /// kernel for this format and batch size (see ``SuperBlockOrder``), per run of vectors.
  static func orders(vectors: Int) -> [(vectors: Range<Int>, order: SuperBlockOrder)]
  /// Per 16 elements, the factor of the activations' 16-element sum that
  /// ``laneCorrection(_:_:)`` adds: Q6_K's −32 · scale; zeros for the other formats.
  static func correctionScales(_ s: Scales) -> SIMD16<Int32>
  /// For dequantisation: the `Float` scales of sub-block `j`'s first and last 16 elements
  /// (d·scale, rounded as ggml does) and its minimum dmin·mⱼ.
  static func dequantizationScales(_ s: Scales, _ j: Int) -> (
    low: Float, high: Float, minimum: Float
  )
  #if TWIN_BYTE_KERNELS
    /// Sub-blocks `2t` and `2t + 1` (t < 4) as the ``productBlock(_:_:)`` values in natural
    /// order, one unsigned byte each (four to a lane), unpacked straight from the block.
    static func productBytes(_ p: UnsafeRawPointer, _ t: Int) -> SIMD16<UInt32>
    /// The integer scale of each 16 elements (lane i: elements 16i…16i+15): a super-block's
    /// scales decoded in one go, for the decode kernel, where ``laneScales(_:_:)`` would
    /// extract them one sub-block at a time.
    static func sixteenScales(_ s: Scales) -> SIMD16<Int32>
  #endif
}

/// The `Float` arithmetic of a K-quant product, after each super-block's exact integer sums:
/// which of llama.cpp's CPU kernels (AVX2 build, default settings) it reproduces. Models
/// amplify a last-bit difference in one layer to whole logits many layers later, so Twin
/// follows the same kernel per format and batch size, not one order for all.
public enum SuperBlockOrder: Sendable {
  /// `ggml_vec_dot_*_q8_K`: eight `Float` lanes per product, each fusing its lane's integer
  /// sum × (d · dₐ) per super-block, reduced at the end; minima in four lanes.
  case lanes
  /// The repacked `q4_K_8x8` GEMV (decoding, and a batch's last `count % 4` vectors): one
  /// accumulator per product fusing each super-block's whole integer sum × (d · dₐ), another
  /// its minima × (dmin · dₐ), subtracted at the end.
  case wholeBlock
  /// The repacked `q4_K_8x8` GEMM (a batch's vectors in groups of four): as
  /// ``wholeBlock``, per pair of 32-element sub-blocks rather than per super-block.
  case subBlockPairs
  /// The tiled K-quant GEMM (8 or more vectors): per super-block (d × sum) − dmin × minima,
  /// then fused with dₐ into the accumulator.
  case tiled
}

extension SuperBlockFormat {
  /// ggml's row-by-row kernel.
  static func orders(vectors: Int) -> [(vectors: Range<Int>, order: SuperBlockOrder)] { [(0..<vectors, .lanes)] }

  @_transparent
  static func productBlock(_ p: UnsafeRawPointer, _ j: Int) -> SplitBlock { subBlock(p, j) }

  @_transparent
  static var hasLaneCorrection: Bool { false }

  @_transparent
  static func correctionScales(_ s: Scales) -> SIMD16<Int32> { SIMD16() }

  /// Added to a super-block's eight integer lanes after its sub-blocks' products, from the
  /// activations' sixteen 16-element sums sᵢ: lane k gets c₂ₖ·s₂ₖ + c₂ₖ₊₁·s₂ₖ₊₁ with c the
  /// ``correctionScales(_:)`` (Q6_K: its offset, as ggml's kernel takes it out). The lanes
  /// then hold exactly ggml's integers, so their `Float` sums round the same way.
  @_transparent
  static func laneCorrection(_ s: Scales, _ halfSums: SIMD16<Int32>) -> SIMD8<Int32> {
    let products = correctionScales(s) &* halfSums
    return products.evenHalf &+ products.oddHalf
  }
}
