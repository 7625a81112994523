#if TWIN_AVX512_VNNI
  import TwinTensor

  /// Prompt products (many vectors) of a K-quant format on byte dot products: the
  /// ``PairedProducts`` scheme for 256-element super-blocks.
  ///
  /// A tile of sixteen rows is unpacked once — each 32-element sub-block to bytes, its integer
  /// lane scales, the super-block scales and minima — and swept by eight vectors at a time.
  /// Products go through 16-bit pair sums (`vpmaddubsw`, exact for weights of at most six
  /// bits), less the offset's pair sums for Q6_K, and are scaled and added into 32-bit lanes in
  /// one `vpdpwssd`, as llama.cpp's AVX2 K-quant kernels do with `maddubs` and `madd`.
  /// Per (row, vector) pair and super-block, the integer sum `Σⱼ scⱼ · Σ q·qₐ` is exact in 32-bit
  /// lanes, then converted and fused into the accumulator with weight scale × activation scale;
  /// the minimum term is `dmin · dₐ` times the minima against the activations' 32-element sums.
  /// That is ``QuantizedDot/vectors4(_:_:blocks:_:_:_:_:)``'s arithmetic for the same pairs, so
  /// results are the same bits.
  enum PairedSuperBlockProducts {
    static let tileRows = 16

    /// One unpacked row: per super-block, eight sub-blocks of bytes and lane scales.
    struct Tile {
      let bytes: UnsafeMutablePointer<SIMD8<UInt32>>
      let laneScales: UnsafeMutablePointer<SIMD8<Int32>>
      let scales: UnsafeMutablePointer<Float>
      let minimumScales: UnsafeMutablePointer<Float>
      let minimums: UnsafeMutablePointer<SIMD8<Int32>>

      init(rows: Int, superBlocks: Int) {
        bytes = .allocate(capacity: rows * superBlocks * 8)
        laneScales = .allocate(capacity: rows * superBlocks * 8)
        scales = .allocate(capacity: rows * superBlocks)
        minimumScales = .allocate(capacity: rows * superBlocks)
        minimums = .allocate(capacity: rows * superBlocks)
      }

      func deallocate() {
        bytes.deallocate()
        laneScales.deallocate()
        scales.deallocate()
        minimumScales.deallocate()
        minimums.deallocate()
      }
    }

    static func run<F: SuperBlockFormat>(
      _: F.Type, base: UnsafeRawPointer, rowBytes: Int, rows: Int, superBlocks: Int, pairs: ActivationPairs,
      vectors: Int, into y: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
      let minChunk = max(tileRows, (64 << 10) / max(rowBytes * vectors, 1))
      let bias = Int16(truncatingIfNeeded: F.offsetShift.map { 1 << $0 } ?? 0)
      Parallel.forRange(rows, minChunk: minChunk) { range in
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
              for j in 0..<8 {
                tile.bytes[8 * slot + j] = F.subBlock(p, j).bytes(bias: bias)
                // Each lane's scale in both of its 16-bit halves, for `vpdpwssd`.
                let scales = F.laneScales(s, j)
                tile.laneScales[8 * slot + j] = (scales & 0xFFFF) | (scales &<< 16)
              }
              tile.scales[slot] = F.scale(s)
              tile.minimumScales[slot] = F.minimumScale(s)
              tile.minimums[slot] = F.minimums(s)
            }
          }
          PairedSweep.run(rows: first..<end, vectors: vectors, into: y, outputStride: outputStride) {
            r, second, pair in
            group(F.self, tile, rows: r - first, second - first, superBlocks: superBlocks, pairs, pair)
          }
          first = end
        }
      }
    }

    /// The integer sums and `Float` accumulators of one row against four pairs.
    struct RowSums {
      var sums = (SIMD16<Int32>(), SIMD16<Int32>(), SIMD16<Int32>(), SIMD16<Int32>())
      var acc = (SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>())
      var minimums = SIMD8<Float>()

      /// The eight (row, vector) results, each accumulator reduced as
      /// ``LaneMath/sum(_:)-(SIMD8<Float>)`` reduces eight lanes, less the minimum terms.
      var result: SIMD8<Float> {
        SIMD8<Float>(
          LaneMath.sum(acc.0.lowHalf), LaneMath.sum(acc.0.highHalf), LaneMath.sum(acc.1.lowHalf),
          LaneMath.sum(acc.1.highHalf), LaneMath.sum(acc.2.lowHalf), LaneMath.sum(acc.2.highHalf),
          LaneMath.sum(acc.3.lowHalf), LaneMath.sum(acc.3.highHalf)) - minimums
      }
    }

    /// Rows `rowA` and `rowB` of the tile times the eight vectors of pairs `first`…`first + 3`.
    @inline(__always)
    static func group<F: SuperBlockFormat>(
      _: F.Type, _ tile: Tile, rows rowA: Int, _ rowB: Int, superBlocks: Int, _ pairs: ActivationPairs, _ first: Int
    ) -> (SIMD8<Float>, SIMD8<Float>) {
      var a = RowSums()
      var b = RowSums()
      let stride = ActivationPairs.stride
      let pairStride = pairs.blocks * stride
      var line = UnsafeRawPointer(pairs.lines + first * pairStride)
      let hasOffset = F.offsetShift != nil
      let padded = pairs.paddedVectors
      for block in 0..<superBlocks {
        let slotA = rowA * superBlocks + block
        let slotB = rowB * superBlocks + block
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
            var productsA = ByteDot.pairs(ua, x)
            var productsB = ByteDot.pairs(ub, x)
            if hasOffset {
              let correction = (l + 64).load(as: SIMD16<Int32>.self)
              productsA = ByteDot.subtract16(productsA, correction)
              productsB = ByteDot.subtract16(productsB, correction)
            }
            sumA = ByteDot.scaledAdd(sumA, productsA, scalesA)
            sumB = ByteDot.scaledAdd(sumB, productsB, scalesB)
          }
          subBlock(line, &a.sums.0, &b.sums.0)
          subBlock(line + pairStride, &a.sums.1, &b.sums.1)
          subBlock(line + 2 * pairStride, &a.sums.2, &b.sums.2)
          subBlock(line + 3 * pairStride, &a.sums.3, &b.sums.3)
          if j < 7 { line += stride }
        }
        // The activation scales are on every line of the super-block; read the last one's.
        let s0 = (line + 128).load(as: SIMD16<Float>.self)
        let s1 = (line + pairStride + 128).load(as: SIMD16<Float>.self)
        let s2 = (line + 2 * pairStride + 128).load(as: SIMD16<Float>.self)
        let s3 = (line + 3 * pairStride + 128).load(as: SIMD16<Float>.self)
        line += stride
        @inline(__always)
        func finish(_ r: inout RowSums, _ slot: Int) {
          let d = SIMD16<Float>(repeating: tile.scales[slot])
          r.acc.0 = r.acc.0.addingProduct(LaneMath.float(r.sums.0), d * s0)
          r.acc.1 = r.acc.1.addingProduct(LaneMath.float(r.sums.1), d * s1)
          r.acc.2 = r.acc.2.addingProduct(LaneMath.float(r.sums.2), d * s2)
          r.acc.3 = r.acc.3.addingProduct(LaneMath.float(r.sums.3), d * s3)
          if F.hasMinimum {
            let m = tile.minimums[slot]
            var total = SIMD8<Int32>()
            for k in 0..<8 {
              let sums = UnsafeRawPointer(pairs.sumsByBlock + (block * 8 + k) * padded + 2 * first)
              total &+= SIMD8(repeating: m[k]) &* sums.loadUnaligned(as: SIMD8<Int32>.self)
            }
            let da = UnsafeRawPointer(pairs.scalesByBlock + block * padded + 2 * first).loadUnaligned(
              as: SIMD8<Float>.self)
            r.minimums = r.minimums.addingProduct(SIMD8(repeating: tile.minimumScales[slot]) * da, LaneMath.float(total))
          }
        }
        finish(&a, slotA)
        finish(&b, slotB)
      }
      return (a.result, b.result)
    }
  }
#endif
