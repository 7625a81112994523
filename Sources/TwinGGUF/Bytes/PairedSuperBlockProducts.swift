#if TWIN_BYTE_KERNELS
  import TwinTensor

  /// Prompt products (many vectors) of a K-quant format on byte dot products: the
  /// ``PairedProducts`` scheme for 256-element super-blocks.
  ///
  /// A tile of sixteen rows is unpacked once — each 32-element sub-block to bytes, its integer
  /// lane scales, the super-block scales and minima — and swept by eight vectors at a time.
  /// Products go through 16-bit pair sums (`vpmaddubsw`, exact for weights of at most six
  /// bits) and are scaled and added into 32-bit lanes in one `vpdpwssd`, as llama.cpp's AVX2
  /// K-quant kernels do with `maddubs` and `madd`; Q6_K's offset comes out of each
  /// super-block's lanes afterwards, one more `vpdpwssd` of the 16-element sums.
  /// Per (row, vector) pair and super-block, the integer sum `Σⱼ scⱼ · Σ q·qₐ` is exact in 32-bit
  /// lanes; the `Float` steps after it follow the product's ``SuperBlockOrder`` (per lane with
  /// the minima in ggml's four lanes, per super-block, or per pair of sub-blocks). That is
  /// ``QuantizedDot/vectors4(_:_:blocks:_:_:_:_:order:)``'s arithmetic for the same pairs and
  /// order, so results are the same bits.
  enum PairedSuperBlockProducts {
    static let tileRows = 16

    /// One unpacked row: per super-block, eight sub-blocks of bytes and lane scales.
    struct Tile {
      let bytes: UnsafeMutablePointer<SIMD8<UInt32>>
      let laneScales: UnsafeMutablePointer<SIMD8<Int32>>
      let scales: UnsafeMutablePointer<Float>
      let minimumScales: UnsafeMutablePointer<Float>
      let minimums: UnsafeMutablePointer<SIMD8<Int32>>
      /// ``SuperBlockFormat/correctionScales(_:)`` as 16-bit pairs, for `vpdpwssd`.
      let corrections: UnsafeMutablePointer<SIMD8<Int32>>

      init(rows: Int, superBlocks: Int) {
        bytes = .allocate(capacity: rows * superBlocks * 8)
        laneScales = .allocate(capacity: rows * superBlocks * 8)
        scales = .allocate(capacity: rows * superBlocks)
        minimumScales = .allocate(capacity: rows * superBlocks)
        minimums = .allocate(capacity: rows * superBlocks)
        corrections = .allocate(capacity: rows * superBlocks)
      }

      func deallocate() {
        bytes.deallocate()
        laneScales.deallocate()
        scales.deallocate()
        minimumScales.deallocate()
        minimums.deallocate()
        corrections.deallocate()
      }
    }

    static func run<F: SuperBlockFormat>(
      _: F.Type, base: UnsafeRawPointer, rowBytes: Int, rows: Int, superBlocks: Int, pairs: ActivationPairs,
      vectors: Int, order: SuperBlockOrder, into y: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
      let minChunk = max(tileRows, (64 << 10) / max(rowBytes * vectors, 1))
      // Ranges cost nothing to start (a tile is unpacked per 16 rows either way), so there are
      // many: the threads then finish a prompt's products within a small range of each other.
      Parallel.forRange(rows, minChunk: minChunk, rangesPerThread: 8) { range in
        let tile = Tile(rows: tileRows, superBlocks: superBlocks)
        defer { tile.deallocate() }
        var first = range.lowerBound
        while first < range.upperBound {
          let end = Swift.min(first + tileRows, range.upperBound)
          for r in first..<end {
            let row = base + r * rowBytes
            for b in 0..<superBlocks {
              let p = row + b * F.type.bytesPerBlock
              let s = F.scales(p)
              let slot = (r - first) * superBlocks + b
              for t in 0..<4 {
                let bytes = F.productBytes(p, t)
                tile.bytes[8 * slot + 2 * t] = bytes.lowHalf
                tile.bytes[8 * slot + 2 * t + 1] = bytes.highHalf
              }
              for j in 0..<8 {
                // Each lane's scale in both of its 16-bit halves, for `vpdpwssd`.
                let scales = F.laneScales(s, j)
                tile.laneScales[8 * slot + j] = (scales & 0xFFFF) | (scales &<< 16)
              }
              tile.scales[slot] = F.scale(s)
              tile.minimumScales[slot] = F.minimumScale(s)
              tile.minimums[slot] = F.minimums(s)
              if F.hasLaneCorrection {
                let c = F.correctionScales(s)
                tile.corrections[slot] = (c.evenHalf & 0xFFFF) | (c.oddHalf &<< 16)
              }
            }
          }
          PairedSweep.run(rows: first..<end, vectors: vectors, into: y, outputStride: outputStride) {
            r, second, pair in
            #if TWIN_AVX512_VNNI
              return group(
                F.self, tile, rows: r - first, second - first, superBlocks: superBlocks, pairs, pair, order: order,
                single: false)
            #else
              // AVX2 has half AVX-512's registers: two rows' accumulators would not fit, so each
              // row sweeps the activations alone (they stay in L1 for the second).
              let one = group(
                F.self, tile, rows: r - first, r - first, superBlocks: superBlocks, pairs, pair, order: order,
                single: true)
              // An odd range's last row is its own second.
              if second == r { return one }
              let other = group(
                F.self, tile, rows: second - first, second - first, superBlocks: superBlocks, pairs, pair,
                order: order, single: true)
              return (one.0, other.0)
            #endif
          }
          first = end
        }
      }
    }

    /// The integer sums and `Float` accumulators of one row against four pairs.
    struct RowSums {
      var sums = (SIMD16<Int32>(), SIMD16<Int32>(), SIMD16<Int32>(), SIMD16<Int32>())
      var acc = (SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>())
      /// The minimum terms in ggml's four lanes (see ``MinimumLanes4``), eight vectors each.
      var minimums = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
      /// ``SuperBlockOrder/wholeBlock`` and ``SuperBlockOrder/tiled``: one accumulator per
      /// vector, and one for the minima.
      var whole = SIMD8<Float>()
      var wholeMinimums = SIMD8<Float>()

      /// The eight results in `order`.
      func result(_ order: SuperBlockOrder) -> SIMD8<Float> {
        order == .lanes ? result : whole - wholeMinimums
      }

      /// The eight (row, vector) results, each accumulator reduced as
      /// ``LaneMath/sum(_:)-(SIMD8<Float>)`` reduces eight lanes, less the minimum terms.
      var result: SIMD8<Float> {
        SIMD8<Float>(
          LaneMath.sum(acc.0.lowHalf), LaneMath.sum(acc.0.highHalf), LaneMath.sum(acc.1.lowHalf),
          LaneMath.sum(acc.1.highHalf), LaneMath.sum(acc.2.lowHalf), LaneMath.sum(acc.2.highHalf),
          LaneMath.sum(acc.3.lowHalf), LaneMath.sum(acc.3.highHalf))
          - ((minimums.0 + minimums.2) + (minimums.1 + minimums.3))
      }
    }

    /// Each of the eight vectors' whole integer sum: the eight lanes of its half of a pair's sums.
    @inline(__always)
    static func totals(_ i: (SIMD16<Int32>, SIMD16<Int32>, SIMD16<Int32>, SIMD16<Int32>)) -> SIMD8<Float> {
      // A transposing tree of even + odd lane sums (exact integers, so any order will do): each
      // step adds neighbouring lanes of two registers into one, halving the lanes per vector
      // and keeping the vectors in order, so 64 lanes become 8 in seven additions.
      @inline(__always)
      func fold(_ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> {
        let both = SIMD32<Int32>(lowHalf: a, highHalf: b)
        return both.evenHalf &+ both.oddHalf
      }
      let four = fold(i.0, i.1)  // vectors 0–3, four partial sums each
      let two = fold(four, fold(i.2, i.3))  // vectors 0–7, two each
      return LaneMath.float(two.evenHalf &+ two.oddHalf)
    }

    /// Rows `rowA` and `rowB` of the tile times the eight vectors of pairs `first`…`first + 3`.
    /// With `single` (a constant where it is called, so the optimiser drops the other row's
    /// work), only row A is computed, and returned twice.
    @inline(__always)
    static func group<F: SuperBlockFormat>(
      _: F.Type, _ tile: Tile, rows rowA: Int, _ rowB: Int, superBlocks: Int, _ pairs: ActivationPairs, _ first: Int,
      order: SuperBlockOrder, single: Bool
    ) -> (SIMD8<Float>, SIMD8<Float>) {
      var a = RowSums()
      var b = RowSums()
      let stride = ActivationPairs.stride
      let pairStride = pairs.blocks * stride
      var line = UnsafeRawPointer(pairs.lines + first * pairStride)
      let padded = pairs.paddedVectors
      for block in 0..<superBlocks {
        let slotA = rowA * superBlocks + block
        let slotB = rowB * superBlocks + block
        // The eight vectors' activation scales, and each row's d · dₐ.
        let blockScales = UnsafeRawPointer(pairs.scalesByBlock + block * padded + 2 * first).loadUnaligned(
          as: SIMD8<Float>.self)
        let scaledA = SIMD8(repeating: tile.scales[slotA]) * blockScales
        let scaledB = SIMD8(repeating: tile.scales[slotB]) * blockScales
        /// ``SuperBlockOrder/subBlockPairs``: the sub-block pair just summed into `r.sums` goes
        /// into the accumulator, and the sums start again.
        @inline(__always)
        func finishPair(_ r: inout RowSums, _ scale: SIMD8<Float>) {
          r.whole = r.whole.addingProduct(Self.totals(r.sums), scale)
          r.sums = (SIMD16<Int32>(), SIMD16<Int32>(), SIMD16<Int32>(), SIMD16<Int32>())
        }
        /// The four pairs' minimum terms, in the same order (an accumulator of their own).
        @inline(__always)
        func finishPairMinimums(_ r: inout RowSums, _ slot: Int) {
          let m = tile.minimums[slot]
          let scale = SIMD8(repeating: tile.minimumScales[slot]) * blockScales
          for pair in 0..<4 {
            let even = UnsafeRawPointer(pairs.sumsByBlock + (block * 8 + 2 * pair) * padded + 2 * first)
            let odd = UnsafeRawPointer(pairs.sumsByBlock + (block * 8 + 2 * pair + 1) * padded + 2 * first)
            let minimums = LaneMath.float(
              SIMD8(repeating: m[2 * pair]) &* even.loadUnaligned(as: SIMD8<Int32>.self)
                &+ SIMD8(repeating: m[2 * pair + 1]) &* odd.loadUnaligned(as: SIMD8<Int32>.self))
            r.wholeMinimums = r.wholeMinimums.addingProduct(minimums, scale)
          }
        }
        a.sums = (SIMD16<Int32>(), SIMD16<Int32>(), SIMD16<Int32>(), SIMD16<Int32>())
        b.sums = a.sums
        for j in 0..<8 {
          let wa = tile.bytes[8 * slotA + j]
          let wb = tile.bytes[8 * slotB + j]
          let ua = SIMD16<UInt32>(lowHalf: wa, highHalf: wa)
          let ub = SIMD16<UInt32>(lowHalf: wb, highHalf: wb)
          let sa = tile.laneScales[8 * slotA + j]
          let sb = tile.laneScales[8 * slotB + j]
          let scalesA = SIMD16<Int32>(lowHalf: sa, highHalf: sa)
          let scalesB = SIMD16<Int32>(lowHalf: sb, highHalf: sb)
          @inline(__always)
          func subBlock(_ l: UnsafeRawPointer, _ sumA: inout SIMD16<Int32>, _ sumB: inout SIMD16<Int32>) {
            let x = l.load(as: SIMD16<Int32>.self)
            sumA = ByteDot.scaledAdd(sumA, ByteDot.pairs(ua, x), scalesA)
            if !single { sumB = ByteDot.scaledAdd(sumB, ByteDot.pairs(ub, x), scalesB) }
          }
          subBlock(line, &a.sums.0, &b.sums.0)
          subBlock(line + pairStride, &a.sums.1, &b.sums.1)
          subBlock(line + 2 * pairStride, &a.sums.2, &b.sums.2)
          subBlock(line + 3 * pairStride, &a.sums.3, &b.sums.3)
          if order == .subBlockPairs && j & 1 == 1 {
            finishPair(&a, scaledA)
            if !single { finishPair(&b, scaledB) }
          }
          if j < 7 { line += stride }
        }
        if F.hasLaneCorrection {
          // The 16-element sums are on the super-block's first line.
          let sums = line - 7 * stride + 64
          @inline(__always)
          func correct(_ r: inout RowSums, _ slot: Int) {
            let c = SIMD16<Int32>(lowHalf: tile.corrections[slot], highHalf: tile.corrections[slot])
            r.sums.0 = ByteDot.scaledAdd(r.sums.0, sums.load(as: SIMD16<Int32>.self), c)
            r.sums.1 = ByteDot.scaledAdd(r.sums.1, (sums + pairStride).load(as: SIMD16<Int32>.self), c)
            r.sums.2 = ByteDot.scaledAdd(r.sums.2, (sums + 2 * pairStride).load(as: SIMD16<Int32>.self), c)
            r.sums.3 = ByteDot.scaledAdd(r.sums.3, (sums + 3 * pairStride).load(as: SIMD16<Int32>.self), c)
          }
          correct(&a, slotA)
          if !single { correct(&b, slotB) }
        }
        // The activation scales are on every line of the super-block; read the last one's.
        let s0 = (line + 128).load(as: SIMD16<Float>.self)
        let s1 = (line + pairStride + 128).load(as: SIMD16<Float>.self)
        let s2 = (line + 2 * pairStride + 128).load(as: SIMD16<Float>.self)
        let s3 = (line + 3 * pairStride + 128).load(as: SIMD16<Float>.self)
        line += stride
        @inline(__always)
        func finishWhole(_ r: inout RowSums, _ slot: Int) {
          let totals = Self.totals(r.sums)
          let da = UnsafeRawPointer(pairs.scalesByBlock + block * padded + 2 * first).loadUnaligned(
            as: SIMD8<Float>.self)
          let d = SIMD8<Float>(repeating: tile.scales[slot])
          var minimumTotals = SIMD8<Float>()
          if F.hasMinimum {
            let m = tile.minimums[slot]
            var total = SIMD8<Int32>()
            for k in 0..<8 {
              let sums = UnsafeRawPointer(pairs.sumsByBlock + (block * 8 + k) * padded + 2 * first)
              total &+= SIMD8(repeating: m[k]) &* sums.loadUnaligned(as: SIMD8<Int32>.self)
            }
            minimumTotals = LaneMath.float(total)
          }
          let dmin = SIMD8<Float>(repeating: tile.minimumScales[slot])
          if order == .wholeBlock {
            r.whole = r.whole.addingProduct(totals, d * da)
            if F.hasMinimum { r.wholeMinimums = r.wholeMinimums.addingProduct(minimumTotals, dmin * da) }
          } else {
            var blockSum = d * totals
            if F.hasMinimum { blockSum = blockSum.addingProduct(-dmin, minimumTotals) }
            r.whole = r.whole.addingProduct(blockSum, da)
          }
        }
        @inline(__always)
        func finish(_ r: inout RowSums, _ slot: Int) {
          if order == .subBlockPairs {
            if F.hasMinimum { finishPairMinimums(&r, slot) }
            return
          }
          if order != .lanes {
            finishWhole(&r, slot)
            return
          }
          let d = SIMD16<Float>(repeating: tile.scales[slot])
          r.acc.0 = r.acc.0.addingProduct(LaneMath.float(r.sums.0), d * s0)
          r.acc.1 = r.acc.1.addingProduct(LaneMath.float(r.sums.1), d * s1)
          r.acc.2 = r.acc.2.addingProduct(LaneMath.float(r.sums.2), d * s2)
          r.acc.3 = r.acc.3.addingProduct(LaneMath.float(r.sums.3), d * s3)
          if F.hasMinimum {
            let m = tile.minimums[slot]
            @inline(__always)
            func lane(_ q: Int) -> SIMD8<Float> {
              let even = UnsafeRawPointer(pairs.sumsByBlock + (block * 8 + 2 * q) * padded + 2 * first)
              let odd = UnsafeRawPointer(pairs.sumsByBlock + (block * 8 + 2 * q + 1) * padded + 2 * first)
              return LaneMath.float(
                SIMD8(repeating: m[2 * q]) &* even.loadUnaligned(as: SIMD8<Int32>.self)
                  &+ SIMD8(repeating: m[2 * q + 1]) &* odd.loadUnaligned(as: SIMD8<Int32>.self))
            }
            let da = UnsafeRawPointer(pairs.scalesByBlock + block * padded + 2 * first).loadUnaligned(
              as: SIMD8<Float>.self)
            let scales = SIMD8(repeating: tile.minimumScales[slot]) * da
            r.minimums.0 = r.minimums.0.addingProduct(scales, lane(0))
            r.minimums.1 = r.minimums.1.addingProduct(scales, lane(1))
            r.minimums.2 = r.minimums.2.addingProduct(scales, lane(2))
            r.minimums.3 = r.minimums.3.addingProduct(scales, lane(3))
          }
        }
        finish(&a, slotA)
        if !single { finish(&b, slotB) }
      }
      return single ? (a.result(order), a.result(order)) : (a.result(order), b.result(order))
    }
  }
#endif
