#if TWIN_BYTE_KERNELS
  /// The decode kernel of the 32-element block formats on byte dot products (``ByteDot``):
  /// each instruction takes a block for two rows at once, one in each 256-bit half. (Prompts go
  /// to ``PairedProducts``.)
  ///
  /// The integer lanes are the same as the portable kernels' (lane k sums elements 4k…4k+3 of
  /// the block, exactly), and every pair's `Float` accumulator sees the same fused multiply-adds
  /// in the same order, so results are bit for bit those of ``QuantizedDot/rows4(_:_:_:_:_:blocks:_:)``:
  /// only the integer work is cheaper.
  extension QuantizedDot {
    /// Integer lanes of weights `u` with activations `s`, the formats' offsets taken back out
    /// with the activations' four-element sums (`sums`).
    @_transparent
    static func byteLanes<F: Block32Format>(
      _: F.Type, _ u: SIMD16<UInt32>, _ s: SIMD16<Int32>, sums: SIMD16<Int32>
    ) -> SIMD16<Int32> {
      guard let shift = F.offsetShift else { return F.byteDot(SIMD16<Int32>(), u, s) }
      return F.byteDot(SIMD16<Int32>() &- (sums &<< shift), u, s)
    }

    /// Both halves' scales: `low` for lanes 0–7, `high` for 8–15.
    @_transparent
    static func halves(_ low: Float, _ high: Float) -> SIMD16<Float> {
      SIMD16(lowHalf: SIMD8(repeating: low), highHalf: SIMD8(repeating: high))
    }

    /// `Σ wᵣ·x` for the four rows at `w0`…`w3` (`blocks` blocks each) and one vector.
    @inline(__always)
    static func rows4Bytes<F: Block32Format>(
      _: F.Type, _ w0: UnsafeRawPointer, _ w1: UnsafeRawPointer, _ w2: UnsafeRawPointer,
      _ w3: UnsafeRawPointer, blocks: Int, _ a: ActivationRow
    ) -> SIMD4<Float> {
      let bytes = F.type.bytesPerBlock
      var acc01 = SIMD16<Float>()
      var acc23 = SIMD16<Float>()
      var minimums = SIMD4<Float>()
      for b in 0..<blocks {
        let k0 = F.bytes(w0 + b * bytes)
        let k1 = F.bytes(w1 + b * bytes)
        let k2 = F.bytes(w2 + b * bytes)
        let k3 = F.bytes(w3 + b * bytes)
        let x = a.byteBlock(b)
        let s = SIMD16<Int32>(lowHalf: x, highHalf: x)
        let l = F.offsetShift == nil ? SIMD8<Int32>() : a.laneSums(b)
        let sums = SIMD16<Int32>(lowHalf: l, highHalf: l)
        let i01 = byteLanes(F.self, SIMD16(lowHalf: k0.bytes, highHalf: k1.bytes), s, sums: sums)
        let i23 = byteLanes(F.self, SIMD16(lowHalf: k2.bytes, highHalf: k3.bytes), s, sums: sums)
        let da = a.scales[b]
        acc01 = acc01.addingProduct(LaneMath.float(i01), halves(k0.scale * da, k1.scale * da))
        acc23 = acc23.addingProduct(LaneMath.float(i23), halves(k2.scale * da, k3.scale * da))
        if F.hasMinimum {
          minimums = minimums.addingProduct(
            SIMD4(k0.minimum, k1.minimum, k2.minimum, k3.minimum), SIMD4(repeating: a.offsets[b]))
        }
      }
      return SIMD4(
        LaneMath.sum(acc01.lowHalf), LaneMath.sum(acc01.highHalf), LaneMath.sum(acc23.lowHalf),
        LaneMath.sum(acc23.highHalf)) + minimums
    }
  }

  extension QuantizedDot {
    /// ``superBlockSum(_:_:_:_:)`` on byte products, for the decode kernel: sub-blocks are
    /// taken two at a time (``SuperBlockFormat/productBytes(_:_:)``, against 64 activation
    /// bytes), their byte pairs summed (``ByteDot/pairs(_:_:)``) and scaled into 32-bit lanes
    /// (``ByteDot/scaledAdd(_:_:_:)``); even sub-blocks land in the low half, odd ones in the
    /// high half, and the halves are added at the end. Lane k of each sub-block still sums its
    /// elements 4k…4k+3 times the lane's scale, and integer sums do not depend on their order,
    /// so the result is the same eight integers. Exact: weights have at most six bits, so no
    /// 16-bit pair sum saturates (2 · 63 · 128 < 2¹⁵).
    @_transparent
    static func byteSuperBlockSum<F: SuperBlockFormat>(
      _: F.Type, _ p: UnsafeRawPointer, _ s: F.Scales, _ x: UnsafePointer<Int8>, _ indices: GroupScaleIndices
    ) -> SIMD8<Int32> {
      // The scales decoded once, each in both 16-bit halves of its lane (for `vpmaddwd`), and
      // each pair's spread over its lanes by a permute (``ByteDot/groupScales(_:pair:_:)``).
      let sixteen = F.sixteenScales(s)
      let words = (sixteen & 0xFFFF) | (sixteen &<< 16)
      // Spelled out, as superBlockSum is, so every shift in the unpacking is a constant.
      var lanes = byteSubBlockPair(F.self, p, words, x, 0, indices, SIMD16<Int32>())
      lanes = byteSubBlockPair(F.self, p, words, x, 1, indices, lanes)
      lanes = byteSubBlockPair(F.self, p, words, x, 2, indices, lanes)
      lanes = byteSubBlockPair(F.self, p, words, x, 3, indices, lanes)
      return lanes.lowHalf &+ lanes.highHalf
    }

    /// ``SuperBlockFormat/laneCorrection(_:_:)`` in one `vpmaddwd`, with the activations'
    /// 16-element sums in 16 bits: the same integers, as the factors fit 16 bits (Q6_K's
    /// −32 · scale at most 4,096 in size, a sum of 16 bytes at most 2,048) and each lane's two
    /// products 32.
    @_transparent
    static func byteLaneCorrection<F: SuperBlockFormat>(
      _: F.Type, _ s: F.Scales, _ halfSums: SIMD16<Int16>
    ) -> SIMD8<Int32> {
      ByteDot.words(
        unsafeBitCast(LaneMath.narrow16(F.correctionScales(s)), to: SIMD8<Int32>.self),
        unsafeBitCast(halfSums, to: SIMD8<Int32>.self))
    }

    /// Sub-blocks `2t` and `2t + 1` added into `lanes`, with `words` the 16-element groups'
    /// scales in both 16-bit halves.
    @_transparent
    static func byteSubBlockPair<F: SuperBlockFormat>(
      _: F.Type, _ p: UnsafeRawPointer, _ words: SIMD16<Int32>, _ x: UnsafePointer<Int8>, _ t: Int,
      _ indices: GroupScaleIndices, _ lanes: SIMD16<Int32>
    ) -> SIMD16<Int32> {
      let activations = UnsafeRawPointer(x + 64 * t).loadUnaligned(as: SIMD16<Int32>.self)
      // Lanes 4g…4g+3 cover group 4t + g's sixteen elements.
      let scales = ByteDot.groupScales(words, pair: t, indices)
      return ByteDot.scaledAdd(lanes, ByteDot.pairs(F.productBytes(p, t), activations), scales)
    }
  }
#endif
