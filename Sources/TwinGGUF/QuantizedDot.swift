/// One quantised activation vector as the kernels read it (see ``Q8Activations/Storage``).
struct ActivationRow {
  let quants: UnsafePointer<Int16>
  let scales: UnsafePointer<Float>
  let sums: UnsafePointer<Int32>
  let offsets: UnsafePointer<Float>
  /// `length` values in natural order, for the byte kernels.
  let bytes: UnsafePointer<Int8>
  /// Per four elements: their sum, for the byte kernels' offsets.
  let laneSums: UnsafePointer<Int32>
  /// Per 16 elements: their sum (Q8_K activations only).
  let halfSums: UnsafePointer<Int32>

  init(_ activations: Q8Activations, vector: Int) {
    let storage = activations.storage
    let blocks = activations.length / activations.format.blockSize
    bytes = UnsafePointer(storage.bytes + vector * activations.length)
    laneSums = UnsafePointer(storage.laneSums + vector * (activations.length / 4))
    halfSums = UnsafePointer(storage.halfSums + vector * (activations.length / 16))
    quants = UnsafePointer(storage.quants + vector * activations.length)
    scales = UnsafePointer(storage.scales + vector * blocks)
    sums = UnsafePointer(storage.sums + vector * (activations.length / 32))
    offsets = UnsafePointer(storage.offsets + vector * blocks)
  }

  /// Block `b`'s 32 values in natural order, four bytes to a lane.
  @_transparent
  func byteBlock(_ b: Int) -> SIMD8<Int32> {
    UnsafeRawPointer(bytes + 32 * b).loadUnaligned(as: SIMD8<Int32>.self)
  }

  /// Block `b`'s eight four-element sums.
  @_transparent
  func laneSums(_ b: Int) -> SIMD8<Int32> {
    UnsafeRawPointer(laneSums + 8 * b).loadUnaligned(as: SIMD8<Int32>.self)
  }

  /// The eight 32-element sums of super-block `b`.
  @_transparent
  func superBlockSums(_ b: Int) -> SIMD8<Int32> {
    UnsafeRawPointer(sums + 8 * b).loadUnaligned(as: SIMD8<Int32>.self)
  }

  /// The sixteen 16-element sums of super-block `b`.
  @_transparent
  func halfSums(_ b: Int) -> SIMD16<Int32> {
    UnsafeRawPointer(halfSums + 16 * b).loadUnaligned(as: SIMD16<Int32>.self)
  }
}

/// Dot products of quantised weight rows with quantised activation vectors, without expanding
/// the weights to `Float`: four rows with one vector (generation: one token at a time) or one
/// row with four vectors (a prompt's tokens, each weight block unpacked once for four of them).
///
/// Per 32-element block: unpack the weights to 16-bit lanes, multiply with the activations and
/// add pairs (``SplitBlock/products(_:)``), convert the eight 32-bit partial sums to `Float` and
/// fuse-multiply-add them, scaled by weight scale × activation scale, into a vector
/// accumulator; the horizontal sum happens once per dot product. Each (row, vector) pair has its
/// own accumulator and goes through exactly the same operations in both kernels, so a product
/// does not depend on which rows or vectors it was computed with: a token's result is the same
/// alone or in a batch. Four pairs at a time also give four independent FMA chains.
///
/// K-quant super-blocks keep their integer sums exact the same way; their `Float` steps follow
/// whichever of llama.cpp's kernels takes the product (``SuperBlockOrder``), which for Q4_K and
/// Q6_K depends on the batch shape, as in llama.cpp.
///
/// Integer sums are exact, so results differ from an exact evaluation over the quantised values
/// only by the `Float` rounding of the per-block scale products and of the accumulation.
enum QuantizedDot {
  // MARK: 32-element blocks

  /// `Σ wᵣ·x` for the four rows at `w0`…`w3` (`blocks` blocks each) and one vector.
  @inline(__always)
  static func rows4<F: Block32Format>(
    _: F.Type, _ w0: UnsafeRawPointer, _ w1: UnsafeRawPointer, _ w2: UnsafeRawPointer,
    _ w3: UnsafeRawPointer, blocks: Int, _ a: ActivationRow
  ) -> SIMD4<Float> {
    let bytes = F.type.bytesPerBlock
    var acc0 = SIMD8<Float>()
    var acc1 = SIMD8<Float>()
    var acc2 = SIMD8<Float>()
    var acc3 = SIMD8<Float>()
    var minimums = SIMD4<Float>()
    for b in 0..<blocks {
      let (q0, d0, m0) = F.unpack(w0 + b * bytes)
      let (q1, d1, m1) = F.unpack(w1 + b * bytes)
      let (q2, d2, m2) = F.unpack(w2 + b * bytes)
      let (q3, d3, m3) = F.unpack(w3 + b * bytes)
      let x = a.quants + 32 * b
      let da = a.scales[b]
      acc0 = acc0.addingProduct(LaneMath.float(F.products(q0, x)), SIMD8(repeating: d0 * da))
      acc1 = acc1.addingProduct(LaneMath.float(F.products(q1, x)), SIMD8(repeating: d1 * da))
      acc2 = acc2.addingProduct(LaneMath.float(F.products(q2, x)), SIMD8(repeating: d2 * da))
      acc3 = acc3.addingProduct(LaneMath.float(F.products(q3, x)), SIMD8(repeating: d3 * da))
      if F.hasMinimum {
        minimums = minimums.addingProduct(SIMD4(m0, m1, m2, m3), SIMD4(repeating: a.offsets[b]))
      }
    }
    return SIMD4(
      LaneMath.sum(acc0), LaneMath.sum(acc1), LaneMath.sum(acc2), LaneMath.sum(acc3)) + minimums
  }

  /// `Σ w·xᵥ` for one row at `w` (`blocks` blocks) and four vectors.
  @inline(__always)
  static func vectors4<F: Block32Format>(
    _: F.Type, _ w: UnsafeRawPointer, blocks: Int,
    _ a0: ActivationRow, _ a1: ActivationRow, _ a2: ActivationRow, _ a3: ActivationRow
  ) -> SIMD4<Float> {
    let bytes = F.type.bytesPerBlock
    var acc0 = SIMD8<Float>()
    var acc1 = SIMD8<Float>()
    var acc2 = SIMD8<Float>()
    var acc3 = SIMD8<Float>()
    var minimums = SIMD4<Float>()
    for b in 0..<blocks {
      let (q, d, m) = F.unpack(w + b * bytes)
      let o = 32 * b
      acc0 = acc0.addingProduct(
        LaneMath.float(F.products(q, a0.quants + o)), SIMD8(repeating: d * a0.scales[b]))
      acc1 = acc1.addingProduct(
        LaneMath.float(F.products(q, a1.quants + o)), SIMD8(repeating: d * a1.scales[b]))
      acc2 = acc2.addingProduct(
        LaneMath.float(F.products(q, a2.quants + o)), SIMD8(repeating: d * a2.scales[b]))
      acc3 = acc3.addingProduct(
        LaneMath.float(F.products(q, a3.quants + o)), SIMD8(repeating: d * a3.scales[b]))
      if F.hasMinimum {
        let offsets = SIMD4<Float>(a0.offsets[b], a1.offsets[b], a2.offsets[b], a3.offsets[b])
        minimums = minimums.addingProduct(SIMD4(repeating: m), offsets)
      }
    }
    return SIMD4(
      LaneMath.sum(acc0), LaneMath.sum(acc1), LaneMath.sum(acc2), LaneMath.sum(acc3)) + minimums
  }

  // MARK: 256-element super-blocks

  /// The integer part of one super-block's dot product: `Σⱼ scⱼ·Σ q·qₐ` over its eight
  /// sub-blocks, in eight lanes. Exact in 32 bits: at most 8 · 4 · 32 · 127 · 128 < 2²⁵ a lane.
  ///
  /// The sub-blocks are spelled out rather than looped over so that every shift amount and
  /// offset in the formats' unpacking is a constant (LLVM does not unroll the loop itself).
  @_transparent
  static func superBlockSum<F: SuperBlockFormat>(
    _: F.Type, _ p: UnsafeRawPointer, _ s: F.Scales, _ x: UnsafePointer<Int16>
  ) -> SIMD8<Int32> {
    var sum = subBlockSum(F.self, p, s, x, 0)
    sum &+= subBlockSum(F.self, p, s, x, 1)
    sum &+= subBlockSum(F.self, p, s, x, 2)
    sum &+= subBlockSum(F.self, p, s, x, 3)
    sum &+= subBlockSum(F.self, p, s, x, 4)
    sum &+= subBlockSum(F.self, p, s, x, 5)
    sum &+= subBlockSum(F.self, p, s, x, 6)
    sum &+= subBlockSum(F.self, p, s, x, 7)
    return sum
  }

  /// ``superBlockSum(_:_:_:_:)`` of super-block `b` with the vector `a`: on byte products
  /// where the build has them (``byteSuperBlockSum(_:_:_:_:)``, the same integers), else on
  /// 16-bit products.
  @_transparent
  static func integerSum<F: SuperBlockFormat>(
    _: F.Type, _ p: UnsafeRawPointer, _ s: F.Scales, _ a: ActivationRow, _ b: Int, _ indices: ScaleIndices
  ) -> SIMD8<Int32> {
    #if TWIN_BYTE_KERNELS
      byteSuperBlockSum(F.self, p, s, a.bytes + 256 * b, indices)
    #else
      superBlockSum(F.self, p, s, a.quants + 256 * b)
    #endif
  }

  @_transparent
  static func subBlockSum<F: SuperBlockFormat>(
    _: F.Type, _ p: UnsafeRawPointer, _ s: F.Scales, _ x: UnsafePointer<Int16>, _ j: Int
  ) -> SIMD8<Int32> {
    F.productBlock(p, j).products(x + 32 * j) &* F.laneScales(s, j)
  }

  /// Sub-block `j`'s products with four vectors, added to `sums`.
  @_transparent
  static func subBlockSums4<F: SuperBlockFormat>(
    _: F.Type, _ p: UnsafeRawPointer, _ s: F.Scales, _ x0: UnsafePointer<Int16>,
    _ x1: UnsafePointer<Int16>, _ x2: UnsafePointer<Int16>, _ x3: UnsafePointer<Int16>, _ j: Int,
    _ sum0: inout SIMD8<Int32>, _ sum1: inout SIMD8<Int32>, _ sum2: inout SIMD8<Int32>,
    _ sum3: inout SIMD8<Int32>
  ) {
    let weights = F.productBlock(p, j)
    let scales = F.laneScales(s, j)
    let o = 32 * j
    sum0 &+= weights.products(x0 + o) &* scales
    sum1 &+= weights.products(x1 + o) &* scales
    sum2 &+= weights.products(x2 + o) &* scales
    sum3 &+= weights.products(x3 + o) &* scales
  }

  /// `Σ wᵣ·x` for the four rows at `w0`…`w3` (`blocks` super-blocks each) and one vector,
  /// accumulated in `order`.
  @inline(__always)
  static func rows4<F: SuperBlockFormat>(
    _: F.Type, _ w0: UnsafeRawPointer, _ w1: UnsafeRawPointer, _ w2: UnsafeRawPointer,
    _ w3: UnsafeRawPointer, blocks: Int, _ a: ActivationRow, order: SuperBlockOrder, indices: ScaleIndices
  ) -> SIMD4<Float> {
    let bytes = F.type.bytesPerBlock
    var acc = SuperBlockAccumulators4()
    for b in 0..<blocks {
      let (p0, p1, p2, p3) = (w0 + b * bytes, w1 + b * bytes, w2 + b * bytes, w3 + b * bytes)
      let (s0, s1, s2, s3) = (F.scales(p0), F.scales(p1), F.scales(p2), F.scales(p3))
      var sum0 = integerSum(F.self, p0, s0, a, b, indices)
      var sum1 = integerSum(F.self, p1, s1, a, b, indices)
      var sum2 = integerSum(F.self, p2, s2, a, b, indices)
      var sum3 = integerSum(F.self, p3, s3, a, b, indices)
      if F.hasLaneCorrection {
        // The activations' sums are prepared once for the four rows.
        #if TWIN_BYTE_KERNELS
          let halfSums = LaneMath.narrow16(a.halfSums(b))
          @inline(__always) func correction(_ s: F.Scales) -> SIMD8<Int32> { byteLaneCorrection(F.self, s, halfSums) }
        #else
          let halfSums = a.halfSums(b)
          @inline(__always) func correction(_ s: F.Scales) -> SIMD8<Int32> { F.laneCorrection(s, halfSums) }
        #endif
        sum0 &+= correction(s0)
        sum1 &+= correction(s1)
        sum2 &+= correction(s2)
        sum3 &+= correction(s3)
      }
      var minimums = (SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>())
      if F.hasMinimum {
        let sums = a.superBlockSums(b)
        minimums = (F.minimums(s0) &* sums, F.minimums(s1) &* sums, F.minimums(s2) &* sums, F.minimums(s3) &* sums)
      }
      acc.add(
        order, (sum0, sum1, sum2, sum3), minimums, hasMinimum: F.hasMinimum,
        scales: SIMD4(F.scale(s0), F.scale(s1), F.scale(s2), F.scale(s3)),
        minimumScales: SIMD4(F.minimumScale(s0), F.minimumScale(s1), F.minimumScale(s2), F.minimumScale(s3)),
        activationScales: SIMD4(repeating: a.scales[b]))
    }
    return acc.result(order)
  }

  /// `Σ w·xᵥ` for one row at `w` (`blocks` super-blocks) and four vectors, accumulated in
  /// `order`.
  @inline(__always)
  static func vectors4<F: SuperBlockFormat>(
    _: F.Type, _ w: UnsafeRawPointer, blocks: Int,
    _ a0: ActivationRow, _ a1: ActivationRow, _ a2: ActivationRow, _ a3: ActivationRow, order: SuperBlockOrder
  ) -> SIMD4<Float> {
    let bytes = F.type.bytesPerBlock
    var acc = SuperBlockAccumulators4()
    for b in 0..<blocks {
      let p = w + b * bytes
      let s = F.scales(p)
      let o = 256 * b
      var sum0 = SIMD8<Int32>()
      var sum1 = SIMD8<Int32>()
      var sum2 = SIMD8<Int32>()
      var sum3 = SIMD8<Int32>()
      let (x0, x1, x2, x3) = (a0.quants + o, a1.quants + o, a2.quants + o, a3.quants + o)
      var minimums = (SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>())
      if F.hasMinimum {
        let m = F.minimums(s)
        minimums = (
          m &* a0.superBlockSums(b), m &* a1.superBlockSums(b), m &* a2.superBlockSums(b), m &* a3.superBlockSums(b)
        )
      }
      let d = SIMD4<Float>(repeating: F.scale(s))
      let dmin = SIMD4<Float>(repeating: F.minimumScale(s))
      let da = SIMD4<Float>(a0.scales[b], a1.scales[b], a2.scales[b], a3.scales[b])
      /// Sub-blocks `j` and `j + 1`; in ``SuperBlockOrder/subBlockPairs`` order, their sums go
      /// into the accumulators at once.
      @inline(__always)
      func subBlockPair(_ j: Int) {
        var pair = (SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>())
        subBlockSums4(F.self, p, s, x0, x1, x2, x3, j, &pair.0, &pair.1, &pair.2, &pair.3)
        subBlockSums4(F.self, p, s, x0, x1, x2, x3, j + 1, &pair.0, &pair.1, &pair.2, &pair.3)
        if order == .subBlockPairs {
          acc.addSubBlockPair(
            pair, j / 2, minimums, hasMinimum: F.hasMinimum, scales: d, minimumScales: dmin, activationScales: da)
        } else {
          sum0 &+= pair.0
          sum1 &+= pair.1
          sum2 &+= pair.2
          sum3 &+= pair.3
        }
      }
      subBlockPair(0)
      subBlockPair(2)
      subBlockPair(4)
      subBlockPair(6)
      if order == .subBlockPairs { continue }
      if F.hasLaneCorrection {
        sum0 &+= F.laneCorrection(s, a0.halfSums(b))
        sum1 &+= F.laneCorrection(s, a1.halfSums(b))
        sum2 &+= F.laneCorrection(s, a2.halfSums(b))
        sum3 &+= F.laneCorrection(s, a3.halfSums(b))
      }
      acc.add(
        order, (sum0, sum1, sum2, sum3), minimums, hasMinimum: F.hasMinimum, scales: d, minimumScales: dmin,
        activationScales: da)
    }
    return acc.result(order)
  }
}

/// The `Float` accumulators of four K-quant dot products, in each ``SuperBlockOrder``.
struct SuperBlockAccumulators4 {
  /// ``SuperBlockOrder/lanes``: eight lanes per product, and the minima in four.
  var lanes = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
  var minimumLanes = MinimumLanes4()
  /// The other orders: one accumulator per product, and one for the minima.
  var whole = SIMD4<Float>()
  var wholeMinimums = SIMD4<Float>()

  /// Adds one super-block: each product's exact integer lanes `sums` and minimum products
  /// `minimums` (mᵢ · sᵢ per sub-block), with the weights' scales d and dmin and the
  /// activations' scales dₐ.
  @inline(__always)
  mutating func add(
    _ order: SuperBlockOrder, _ sums: (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>),
    _ minimums: (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>), hasMinimum: Bool,
    scales d: SIMD4<Float>, minimumScales dmin: SIMD4<Float>, activationScales da: SIMD4<Float>
  ) {
    switch order {
    case .lanes:
      let scaled = d * da
      lanes.0 = lanes.0.addingProduct(LaneMath.float(sums.0), SIMD8(repeating: scaled[0]))
      lanes.1 = lanes.1.addingProduct(LaneMath.float(sums.1), SIMD8(repeating: scaled[1]))
      lanes.2 = lanes.2.addingProduct(LaneMath.float(sums.2), SIMD8(repeating: scaled[2]))
      lanes.3 = lanes.3.addingProduct(LaneMath.float(sums.3), SIMD8(repeating: scaled[3]))
      if hasMinimum {
        minimumLanes.add(
          MinimumLanes4.pairs(minimums.0), MinimumLanes4.pairs(minimums.1), MinimumLanes4.pairs(minimums.2),
          MinimumLanes4.pairs(minimums.3), scales: dmin * da)
      }
    case .subBlockPairs:
      preconditionFailure("sub-block pairs go into the accumulators with addSubBlockPair")
    case .wholeBlock, .tiled:
      let totals = LaneMath.float(LaneMath.sums(sums.0, sums.1, sums.2, sums.3))
      let minimumTotals =
        hasMinimum
        ? LaneMath.float(LaneMath.sums(minimums.0, minimums.1, minimums.2, minimums.3)) : SIMD4<Float>()
      if order == .wholeBlock {
        whole = whole.addingProduct(totals, d * da)
        if hasMinimum { wholeMinimums = wholeMinimums.addingProduct(minimumTotals, dmin * da) }
      } else {
        var block = d * totals
        if hasMinimum { block = block.addingProduct(-dmin, minimumTotals) }
        whole = whole.addingProduct(block, da)
      }
    }
  }

  /// ``SuperBlockOrder/subBlockPairs``: adds sub-blocks `2·pair` and `2·pair + 1` of a
  /// super-block, their exact integer lanes `sums` per product and the super-block's minimum
  /// products `minimums`.
  @inline(__always)
  mutating func addSubBlockPair(
    _ sums: (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>), _ pair: Int,
    _ minimums: (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>), hasMinimum: Bool,
    scales d: SIMD4<Float>, minimumScales dmin: SIMD4<Float>, activationScales da: SIMD4<Float>
  ) {
    let totals = LaneMath.float(LaneMath.sums(sums.0, sums.1, sums.2, sums.3))
    whole = whole.addingProduct(totals, d * da)
    if hasMinimum {
      let pairMinimums = SIMD4<Float>(
        MinimumLanes4.pairs(minimums.0)[pair], MinimumLanes4.pairs(minimums.1)[pair],
        MinimumLanes4.pairs(minimums.2)[pair], MinimumLanes4.pairs(minimums.3)[pair])
      wholeMinimums = wholeMinimums.addingProduct(pairMinimums, dmin * da)
    }
  }

  /// The four products.
  @inline(__always)
  func result(_ order: SuperBlockOrder) -> SIMD4<Float> {
    switch order {
    case .lanes:
      return SIMD4(LaneMath.sum(lanes.0), LaneMath.sum(lanes.1), LaneMath.sum(lanes.2), LaneMath.sum(lanes.3))
        - minimumLanes.total
    case .wholeBlock, .tiled, .subBlockPairs:
      return whole - wholeMinimums
    }
  }
}

/// The minimum terms of four dot products as ggml's AVX2 K-quant kernels keep them: per
/// product four `Float` lanes, lane q accumulating `dmin · dₐ · (m₂q·s₂q + m₂q₊₁·s₂q₊₁)` per
/// super-block (mᵢ the sub-block minima, sᵢ the activations' 32-element sums), reduced at the
/// end as `(l₀ + l₂) + (l₁ + l₃)`. One sum over all eight minima would round differently.
struct MinimumLanes4 {
  var lanes = (SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>())

  /// The four integer lane values of one super-block, from its eight products mᵢ · sᵢ.
  @_transparent
  static func pairs(_ products: SIMD8<Int32>) -> SIMD4<Float> {
    LaneMath.float(products.evenHalf &+ products.oddHalf)
  }

  /// Adds one super-block: product i's lane values `pᵢ` times `scales[i]` (dmin · dₐ).
  @inline(__always)
  mutating func add(
    _ p0: SIMD4<Float>, _ p1: SIMD4<Float>, _ p2: SIMD4<Float>, _ p3: SIMD4<Float>, scales: SIMD4<Float>
  ) {
    lanes.0 = lanes.0.addingProduct(SIMD4(repeating: scales[0]), p0)
    lanes.1 = lanes.1.addingProduct(SIMD4(repeating: scales[1]), p1)
    lanes.2 = lanes.2.addingProduct(SIMD4(repeating: scales[2]), p2)
    lanes.3 = lanes.3.addingProduct(SIMD4(repeating: scales[3]), p3)
  }

  @_transparent
  static func reduce(_ l: SIMD4<Float>) -> Float { (l[0] + l[2]) + (l[1] + l[3]) }

  /// The four products' minimum terms.
  var total: SIMD4<Float> {
    SIMD4(Self.reduce(lanes.0), Self.reduce(lanes.1), Self.reduce(lanes.2), Self.reduce(lanes.3))
  }
}

#if TWIN_BYTE_KERNELS
  /// What the decode kernel hands its byte products to spread scales over lanes.
  typealias ScaleIndices = GroupScaleIndices
#else
  /// The portable kernels need no permutation indices.
  struct ScaleIndices {
    static func make() -> ScaleIndices { ScaleIndices() }
  }
#endif
