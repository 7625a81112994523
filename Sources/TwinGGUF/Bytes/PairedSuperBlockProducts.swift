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
          var pair = 0
          while 2 * pair < vectors {
            for r in first..<end {
              let out = group(F.self, tile, row: r - first, superBlocks: superBlocks, pairs, pair)
              let valid = Swift.min(8, vectors - 2 * pair)
              for i in 0..<valid { y[(2 * pair + i) * outputStride + r] = out[i] }
            }
            pair += ActivationPairs.pairsPerGroup
          }
          first = end
        }
      }
    }

    /// Row `row` of the tile times the eight vectors of pairs `first`…`first + 3`.
    @inline(__always)
    static func group<F: SuperBlockFormat>(
      _: F.Type, _ tile: Tile, row: Int, superBlocks: Int, _ pairs: ActivationPairs, _ first: Int
    ) -> SIMD8<Float> {
      var acc0 = SIMD16<Float>()
      var acc1 = SIMD16<Float>()
      var acc2 = SIMD16<Float>()
      var acc3 = SIMD16<Float>()
      var minimums = SIMD8<Float>()
      let stride = ActivationPairs.stride
      let pairStride = pairs.blocks * stride
      var line = UnsafeRawPointer(pairs.lines + first * pairStride)
      let hasOffset = F.offsetShift != nil
      let padded = pairs.paddedVectors
      for b in 0..<superBlocks {
        let slot = row * superBlocks + b
        var sum0 = SIMD16<Int32>()
        var sum1 = SIMD16<Int32>()
        var sum2 = SIMD16<Int32>()
        var sum3 = SIMD16<Int32>()
        for j in 0..<8 {
          let w = tile.bytes[8 * slot + j]
          let u = SIMD16<UInt32>(lowHalf: w, highHalf: w)
          let sc = tile.laneScales[8 * slot + j]
          let scales = SIMD16<Int32>(lowHalf: sc, highHalf: sc)
          @inline(__always)
          func subBlock(_ l: UnsafeRawPointer, _ sum: inout SIMD16<Int32>) {
            var products = ByteDot.pairs(u, l.load(as: SIMD16<Int32>.self))
            if hasOffset { products = ByteDot.subtract16(products, (l + 64).load(as: SIMD16<Int32>.self)) }
            sum = ByteDot.scaledAdd(sum, products, scales)
          }
          subBlock(line, &sum0)
          subBlock(line + pairStride, &sum1)
          subBlock(line + 2 * pairStride, &sum2)
          subBlock(line + 3 * pairStride, &sum3)
          if j < 7 { line += stride }
        }
        // The activation scales are on every line of the super-block; read the last one's.
        let d = SIMD16<Float>(repeating: tile.scales[slot])
        acc0 = acc0.addingProduct(LaneMath.float(sum0), d * (line + 128).load(as: SIMD16<Float>.self))
        acc1 = acc1.addingProduct(LaneMath.float(sum1), d * (line + pairStride + 128).load(as: SIMD16<Float>.self))
        acc2 = acc2.addingProduct(LaneMath.float(sum2), d * (line + 2 * pairStride + 128).load(as: SIMD16<Float>.self))
        acc3 = acc3.addingProduct(LaneMath.float(sum3), d * (line + 3 * pairStride + 128).load(as: SIMD16<Float>.self))
        line += stride
        if F.hasMinimum {
          let m = tile.minimums[slot]
          var total = SIMD8<Int32>()
          for k in 0..<8 {
            let sums = UnsafeRawPointer(pairs.sumsByBlock + (b * 8 + k) * padded + 2 * first)
            total &+= SIMD8(repeating: m[k]) &* sums.loadUnaligned(as: SIMD8<Int32>.self)
          }
          let da = UnsafeRawPointer(pairs.scalesByBlock + b * padded + 2 * first).loadUnaligned(as: SIMD8<Float>.self)
          minimums = minimums.addingProduct(SIMD8(repeating: tile.minimumScales[slot]) * da, LaneMath.float(total))
        }
      }
      let sums = SIMD8<Float>(
        LaneMath.sum(acc0.lowHalf), LaneMath.sum(acc0.highHalf), LaneMath.sum(acc1.lowHalf), LaneMath.sum(acc1.highHalf),
        LaneMath.sum(acc2.lowHalf), LaneMath.sum(acc2.highHalf), LaneMath.sum(acc3.lowHalf), LaneMath.sum(acc3.highHalf))
      return sums - minimums
    }
  }
#endif
