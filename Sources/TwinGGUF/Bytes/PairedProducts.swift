#if TWIN_BYTE_KERNELS
  import TwinTensor

  /// Prompt products (many vectors) of a 32-element block format on byte dot products.
  ///
  /// Rows are taken sixteen at a time and their blocks unpacked once into bytes, scales and
  /// minima; then every group of eight vectors (four ``ActivationPairs`` pairs) sweeps the tile.
  /// Unpacking per tile rather than per (row, vector group) removes most of the work for the
  /// 5-bit formats, whose unpacking costs more than the products.
  ///
  /// Each (row, vector) pair's accumulator sees the fused multiply-adds of
  /// ``QuantizedDot/vectors4(_:_:blocks:_:_:_:_:)`` in the same order (eight lanes of four
  /// elements' integer sums, times weight scale × activation scale), so results are the same
  /// bits as every other product path.
  enum PairedProducts {
    static let tileRows = 16

    static func run<F: Block32Format>(
      _: F.Type, base: UnsafeRawPointer, rowBytes: Int, rows: Int, blocks: Int, pairs: ActivationPairs,
      vectors: Int, into y: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
      let minChunk = max(tileRows, (64 << 10) / max(rowBytes * vectors, 1))
      // Ranges cost nothing to start (a tile is unpacked per 16 rows either way), so there are
      // many: the threads then finish a prompt's products within a small range of each other.
      Parallel.forRange(rows, minChunk: minChunk, rangesPerThread: 8) { range in
        let tileBytes = UnsafeMutablePointer<SIMD8<UInt32>>.allocate(capacity: tileRows * blocks)
        let tileScales = UnsafeMutablePointer<Float>.allocate(capacity: tileRows * blocks)
        let tileMinimums = UnsafeMutablePointer<Float>.allocate(capacity: tileRows * blocks)
        defer {
          tileBytes.deallocate()
          tileScales.deallocate()
          tileMinimums.deallocate()
        }
        var tile = range.lowerBound
        while tile < range.upperBound {
          let tileEnd = Swift.min(tile + tileRows, range.upperBound)
          for r in tile..<tileEnd {
            let row = base + r * rowBytes
            let slot = (r - tile) * blocks
            for b in 0..<blocks {
              let k = F.bytes(row + b * F.type.bytesPerBlock)
              tileBytes[slot + b] = k.bytes
              tileScales[slot + b] = k.scale
              tileMinimums[slot + b] = k.minimum
            }
          }
          PairedSweep.run(rows: tile..<tileEnd, vectors: vectors, into: y, outputStride: outputStride) {
            r, second, pair in
            group(
              F.self, tileBytes, tileScales, tileMinimums, (r - tile) * blocks, (second - tile) * blocks,
              blocks: blocks, pairs, pair)
          }
          tile = tileEnd
        }
      }
    }

    /// Two unpacked rows (at slots `slot0` and `slot1` of the tile) times the eight vectors of
    /// pairs `first`…`first + 3`.
    @inline(__always)
    static func group<F: Block32Format>(
      _: F.Type, _ bytes: UnsafePointer<SIMD8<UInt32>>, _ scales: UnsafePointer<Float>,
      _ minimumValues: UnsafePointer<Float>, _ slot0: Int, _ slot1: Int, blocks: Int, _ pairs: ActivationPairs,
      _ first: Int
    ) -> (SIMD8<Float>, SIMD8<Float>) {
      var a0 = SIMD16<Float>()
      var a1 = SIMD16<Float>()
      var a2 = SIMD16<Float>()
      var a3 = SIMD16<Float>()
      var b0 = SIMD16<Float>()
      var b1 = SIMD16<Float>()
      var b2 = SIMD16<Float>()
      var b3 = SIMD16<Float>()
      var minimumsA = SIMD8<Float>()
      var minimumsB = SIMD8<Float>()
      let stride = ActivationPairs.stride
      let pairStride = blocks * stride
      var line = UnsafeRawPointer(pairs.lines + first * pairStride)
      let hasOffset = F.offsetShift != nil
      for b in 0..<blocks {
        let wa = bytes[slot0 + b]
        let wb = bytes[slot1 + b]
        let ua = SIMD16<UInt32>(lowHalf: wa, highHalf: wa)
        let ub = SIMD16<UInt32>(lowHalf: wb, highHalf: wb)
        let da = SIMD16<Float>(repeating: scales[slot0 + b])
        let db = SIMD16<Float>(repeating: scales[slot1 + b])
        @inline(__always)
        func pairProducts(_ l: UnsafeRawPointer, _ accA: inout SIMD16<Float>, _ accB: inout SIMD16<Float>) {
          let x = l.load(as: SIMD16<Int32>.self)
          let start = hasOffset ? (l + 64).load(as: SIMD16<Int32>.self) : SIMD16<Int32>()
          let activationScales = (l + 128).load(as: SIMD16<Float>.self)
          accA = accA.addingProduct(LaneMath.float(F.byteDot(start, ua, x)), da * activationScales)
          accB = accB.addingProduct(LaneMath.float(F.byteDot(start, ub, x)), db * activationScales)
        }
        pairProducts(line, &a0, &b0)
        pairProducts(line + pairStride, &a1, &b1)
        pairProducts(line + 2 * pairStride, &a2, &b2)
        pairProducts(line + 3 * pairStride, &a3, &b3)
        if F.hasMinimum {
          let offsets = UnsafeRawPointer(pairs.offsets + b * pairs.paddedVectors + 2 * first).loadUnaligned(
            as: SIMD8<Float>.self)
          minimumsA = minimumsA.addingProduct(SIMD8(repeating: minimumValues[slot0 + b]), offsets)
          minimumsB = minimumsB.addingProduct(SIMD8(repeating: minimumValues[slot1 + b]), offsets)
        }
        line += stride
      }
      return (reduce(a0, a1, a2, a3) + minimumsA, reduce(b0, b1, b2, b3) + minimumsB)
    }

    /// The eight (row, vector) sums of four pair accumulators, each reduced as
    /// ``LaneMath/sum(_:)-(SIMD8<Float>)`` reduces eight lanes.
    @inline(__always)
    static func reduce(_ a0: SIMD16<Float>, _ a1: SIMD16<Float>, _ a2: SIMD16<Float>, _ a3: SIMD16<Float>) -> SIMD8<Float> {
      SIMD8<Float>(
        LaneMath.sum(a0.lowHalf), LaneMath.sum(a0.highHalf), LaneMath.sum(a1.lowHalf), LaneMath.sum(a1.highHalf),
        LaneMath.sum(a2.lowHalf), LaneMath.sum(a2.highHalf), LaneMath.sum(a3.lowHalf), LaneMath.sum(a3.highHalf))
    }
  }

  /// The sweep both prompt kernels make over an unpacked tile: every group of eight vectors
  /// (four pairs) against the tile's rows two at a time, which share every activation load (an
  /// odd last row is paired with itself), results stored for the vectors that exist.
  enum PairedSweep {
    @inline(__always)
    static func run(
      rows: Range<Int>, vectors: Int, into y: UnsafeMutablePointer<Float>, outputStride: Int,
      _ group: (_ row: Int, _ second: Int, _ pair: Int) -> (SIMD8<Float>, SIMD8<Float>)
    ) {
      var pair = 0
      while 2 * pair < vectors {
        let valid = Swift.min(8, vectors - 2 * pair)
        var r = rows.lowerBound
        while r < rows.upperBound {
          let second = Swift.min(r + 1, rows.upperBound - 1)
          let (a, b) = group(r, second, pair)
          for i in 0..<valid {
            y[(2 * pair + i) * outputStride + r] = a[i]
            y[(2 * pair + i) * outputStride + second] = b[i]
          }
          r += 2
        }
        pair += ActivationPairs.pairsPerGroup
      }
    }
  }
#endif
