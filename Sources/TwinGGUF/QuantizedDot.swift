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

  init(_ activations: Q8Activations, vector: Int) {
    let storage = activations.storage
    let blocks = activations.length / activations.format.blockSize
    bytes = UnsafePointer(storage.bytes + vector * activations.length)
    laneSums = UnsafePointer(storage.laneSums + vector * (activations.length / 4))
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

  @_transparent
  static func subBlockSum<F: SuperBlockFormat>(
    _: F.Type, _ p: UnsafeRawPointer, _ s: F.Scales, _ x: UnsafePointer<Int16>, _ j: Int
  ) -> SIMD8<Int32> {
    F.subBlock(p, j).products(x + 32 * j) &* F.laneScales(s, j)
  }

  /// Sub-block `j`'s products with four vectors, added to `sums`.
  @_transparent
  static func subBlockSums4<F: SuperBlockFormat>(
    _: F.Type, _ p: UnsafeRawPointer, _ s: F.Scales, _ x0: UnsafePointer<Int16>,
    _ x1: UnsafePointer<Int16>, _ x2: UnsafePointer<Int16>, _ x3: UnsafePointer<Int16>, _ j: Int,
    _ sum0: inout SIMD8<Int32>, _ sum1: inout SIMD8<Int32>, _ sum2: inout SIMD8<Int32>,
    _ sum3: inout SIMD8<Int32>
  ) {
    let weights = F.subBlock(p, j)
    let scales = F.laneScales(s, j)
    let o = 32 * j
    sum0 &+= weights.products(x0 + o) &* scales
    sum1 &+= weights.products(x1 + o) &* scales
    sum2 &+= weights.products(x2 + o) &* scales
    sum3 &+= weights.products(x3 + o) &* scales
  }

  /// `Σ wᵣ·x` for the four rows at `w0`…`w3` (`blocks` super-blocks each) and one vector.
  @inline(__always)
  static func rows4<F: SuperBlockFormat>(
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
      let (p0, p1, p2, p3) = (w0 + b * bytes, w1 + b * bytes, w2 + b * bytes, w3 + b * bytes)
      let (s0, s1, s2, s3) = (F.scales(p0), F.scales(p1), F.scales(p2), F.scales(p3))
      let x = a.quants + 256 * b
      let da = a.scales[b]
      let sum0 = superBlockSum(F.self, p0, s0, x)
      let sum1 = superBlockSum(F.self, p1, s1, x)
      let sum2 = superBlockSum(F.self, p2, s2, x)
      let sum3 = superBlockSum(F.self, p3, s3, x)
      acc0 = acc0.addingProduct(LaneMath.float(sum0), SIMD8(repeating: F.scale(s0) * da))
      acc1 = acc1.addingProduct(LaneMath.float(sum1), SIMD8(repeating: F.scale(s1) * da))
      acc2 = acc2.addingProduct(LaneMath.float(sum2), SIMD8(repeating: F.scale(s2) * da))
      acc3 = acc3.addingProduct(LaneMath.float(sum3), SIMD8(repeating: F.scale(s3) * da))
      if F.hasMinimum {
        let sums = a.superBlockSums(b)
        let mins = SIMD4<Float>(
          Float(LaneMath.sum(F.minimums(s0) &* sums)), Float(LaneMath.sum(F.minimums(s1) &* sums)),
          Float(LaneMath.sum(F.minimums(s2) &* sums)), Float(LaneMath.sum(F.minimums(s3) &* sums)))
        let scales = SIMD4<Float>(
          F.minimumScale(s0), F.minimumScale(s1), F.minimumScale(s2), F.minimumScale(s3))
        minimums = minimums.addingProduct(scales * da, mins)
      }
    }
    return SIMD4(
      LaneMath.sum(acc0), LaneMath.sum(acc1), LaneMath.sum(acc2), LaneMath.sum(acc3)) - minimums
  }

  /// `Σ w·xᵥ` for one row at `w` (`blocks` super-blocks) and four vectors.
  @inline(__always)
  static func vectors4<F: SuperBlockFormat>(
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
      let p = w + b * bytes
      let s = F.scales(p)
      let o = 256 * b
      var sum0 = SIMD8<Int32>()
      var sum1 = SIMD8<Int32>()
      var sum2 = SIMD8<Int32>()
      var sum3 = SIMD8<Int32>()
      let (x0, x1, x2, x3) = (a0.quants + o, a1.quants + o, a2.quants + o, a3.quants + o)
      subBlockSums4(F.self, p, s, x0, x1, x2, x3, 0, &sum0, &sum1, &sum2, &sum3)
      subBlockSums4(F.self, p, s, x0, x1, x2, x3, 1, &sum0, &sum1, &sum2, &sum3)
      subBlockSums4(F.self, p, s, x0, x1, x2, x3, 2, &sum0, &sum1, &sum2, &sum3)
      subBlockSums4(F.self, p, s, x0, x1, x2, x3, 3, &sum0, &sum1, &sum2, &sum3)
      subBlockSums4(F.self, p, s, x0, x1, x2, x3, 4, &sum0, &sum1, &sum2, &sum3)
      subBlockSums4(F.self, p, s, x0, x1, x2, x3, 5, &sum0, &sum1, &sum2, &sum3)
      subBlockSums4(F.self, p, s, x0, x1, x2, x3, 6, &sum0, &sum1, &sum2, &sum3)
      subBlockSums4(F.self, p, s, x0, x1, x2, x3, 7, &sum0, &sum1, &sum2, &sum3)
      let d = F.scale(s)
      acc0 = acc0.addingProduct(LaneMath.float(sum0), SIMD8(repeating: d * a0.scales[b]))
      acc1 = acc1.addingProduct(LaneMath.float(sum1), SIMD8(repeating: d * a1.scales[b]))
      acc2 = acc2.addingProduct(LaneMath.float(sum2), SIMD8(repeating: d * a2.scales[b]))
      acc3 = acc3.addingProduct(LaneMath.float(sum3), SIMD8(repeating: d * a3.scales[b]))
      if F.hasMinimum {
        let m = F.minimums(s)
        let mins = SIMD4<Float>(
          Float(LaneMath.sum(m &* a0.superBlockSums(b))),
          Float(LaneMath.sum(m &* a1.superBlockSums(b))),
          Float(LaneMath.sum(m &* a2.superBlockSums(b))),
          Float(LaneMath.sum(m &* a3.superBlockSums(b))))
        let scales = SIMD4<Float>(a0.scales[b], a1.scales[b], a2.scales[b], a3.scales[b])
        minimums = minimums.addingProduct(SIMD4(repeating: F.minimumScale(s)) * scales, mins)
      }
    }
    return SIMD4(
      LaneMath.sum(acc0), LaneMath.sum(acc1), LaneMath.sum(acc2), LaneMath.sum(acc3)) - minimums
  }
}
