#if TWIN_AVX512_VNNI
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
      Parallel.forRange(rows, minChunk: minChunk) { range in
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
          var pair = 0
          while 2 * pair < vectors {
            for r in tile..<tileEnd {
              let slot = (r - tile) * blocks
              let out = group(
                F.self, tileBytes + slot, tileScales + slot, tileMinimums + slot, blocks: blocks, pairs, pair)
              let valid = Swift.min(8, vectors - 2 * pair)
              for i in 0..<valid { y[(2 * pair + i) * outputStride + r] = out[i] }
            }
            pair += ActivationPairs.pairsPerGroup
          }
          tile = tileEnd
        }
      }
    }

    /// One unpacked row times the eight vectors of pairs `first`…`first + 3`.
    @inline(__always)
    static func group<F: Block32Format>(
      _: F.Type, _ bytes: UnsafePointer<SIMD8<UInt32>>, _ scales: UnsafePointer<Float>,
      _ minimumValues: UnsafePointer<Float>, blocks: Int, _ pairs: ActivationPairs, _ first: Int
    ) -> SIMD8<Float> {
      var acc0 = SIMD16<Float>()
      var acc1 = SIMD16<Float>()
      var acc2 = SIMD16<Float>()
      var acc3 = SIMD16<Float>()
      var minimums = SIMD8<Float>()
      let stride = ActivationPairs.stride
      let pairStride = blocks * stride
      var line = UnsafeRawPointer(pairs.lines + first * pairStride)
      let hasOffset = F.offsetShift != nil
      for b in 0..<blocks {
        let w = bytes[b]
        let u = SIMD16<UInt32>(lowHalf: w, highHalf: w)
        let d = SIMD16<Float>(repeating: scales[b])
        @inline(__always)
        func pairProduct(_ l: UnsafeRawPointer, _ acc: inout SIMD16<Float>) {
          let start = hasOffset ? (l + 64).load(as: SIMD16<Int32>.self) : SIMD16<Int32>()
          let lanes = ByteDot.dot(start, u, l.load(as: SIMD16<Int32>.self))
          acc = acc.addingProduct(LaneMath.float(lanes), d * (l + 128).load(as: SIMD16<Float>.self))
        }
        pairProduct(line, &acc0)
        pairProduct(line + pairStride, &acc1)
        pairProduct(line + 2 * pairStride, &acc2)
        pairProduct(line + 3 * pairStride, &acc3)
        if F.hasMinimum {
          let offsets = UnsafeRawPointer(pairs.offsets + b * pairs.paddedVectors + 2 * first)
          minimums = minimums.addingProduct(SIMD8(repeating: minimumValues[b]), offsets.loadUnaligned(as: SIMD8<Float>.self))
        }
        line += stride
      }
      let sums = SIMD8<Float>(
        LaneMath.sum(acc0.lowHalf), LaneMath.sum(acc0.highHalf), LaneMath.sum(acc1.lowHalf), LaneMath.sum(acc1.highHalf),
        LaneMath.sum(acc2.lowHalf), LaneMath.sum(acc2.highHalf), LaneMath.sum(acc3.lowHalf), LaneMath.sum(acc3.highHalf))
      return sums + minimums
    }
  }
#endif
