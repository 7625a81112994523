#if TWIN_BYTE_KERNELS && !TWIN_AVX512_VNNI
  import TwinTensor

  /// Q4_K prompt products (``SuperBlockOrder/subBlockPairs``, llama.cpp's `q4_K_8x8` GEMM) on
  /// AVX2, with eight rows interleaved four bytes at a time, as that GEMM repacks them.
  ///
  /// ``PairedSuperBlockProducts`` keeps each row's 32 bytes of a sub-block in one register, so
  /// every (row, vector) sum lands spread over eight lanes and must be folded across lanes
  /// before each sub-block pair's `Float` step: on AVX2 that fold of shuffles cost as much as
  /// the products. Here one register holds bytes 4k…4k+3 of eight rows' sub-block, one row
  /// per 32-bit lane, and the vector's same four bytes are broadcast: lane r is then row r's
  /// sum and no lane ever needs folding.
  ///
  /// Q4_K's weights have four bits, so a `vpmaddubsw` pair sum is at most 2 · 15 · 128 = 3,840
  /// in size, and a sub-block's eight steps add up to at most 30,720: they are added in 16-bit
  /// lanes (`vpaddw`) and scaled into 32 bits once per sub-block (`vpmaddwd`), one multiply
  /// per 32 products where the paired kernel takes two. The integer sum of each (row, vector,
  /// sub-block pair) is exact, so it is the paired kernel's integer, and the `Float` steps
  /// after it are the paired kernel's, term by term: results are the same bits.
  enum InterleavedQ4KProducts {
    /// Rows in a register, one per 32-bit lane.
    static let groupRows = 8
    /// Groups unpacked together; each vector's bytes are read once per tile, not per group.
    static let tileGroups = 2
    /// Vectors swept together: four 16-bit and four 32-bit accumulators, the weights and a
    /// broadcast fit AVX2's sixteen registers.
    static let vectorsPerPass = 4

    /// One tile's groups, unpacked: `[group][super-block][sub-block][step]` weights and
    /// `[group][super-block][sub-block]` scales and minima, one row per lane.
    struct Tile {
      let weights: UnsafeMutablePointer<SIMD8<UInt32>>
      /// Each sub-block's scale in both 16-bit halves of its row's lane, for `vpmaddwd`.
      let scales: UnsafeMutablePointer<SIMD8<Int32>>
      let minimums: UnsafeMutablePointer<SIMD8<Int32>>
      /// `[group][super-block]`: d and dmin.
      let d: UnsafeMutablePointer<SIMD8<Float>>
      let dmin: UnsafeMutablePointer<SIMD8<Float>>
      let superBlocks: Int

      init(superBlocks: Int) {
        self.superBlocks = superBlocks
        let blocks = tileGroups * superBlocks
        weights = .allocate(capacity: blocks * 64)
        scales = .allocate(capacity: blocks * 8)
        minimums = .allocate(capacity: blocks * 8)
        d = .allocate(capacity: blocks)
        dmin = .allocate(capacity: blocks)
      }

      func deallocate() {
        weights.deallocate()
        scales.deallocate()
        minimums.deallocate()
        d.deallocate()
        dmin.deallocate()
      }

      /// Unpacks `row` into lane `lane` of group `group`.
      func fill(group: Int, lane: Int, row: UnsafeRawPointer) {
        for b in 0..<superBlocks {
          let p = row + b * BlockQ4_K.type.bytesPerBlock
          let s = KQuantScales(p)
          let block = group * superBlocks + b
          d[block][lane] = s.d
          dmin[block][lane] = s.dmin
          let m = s.minimumLanes
          for t in 0..<4 {
            let bytes = BlockQ4_K.productBytes(p, t)
            for k in 0..<8 {
              weights[(8 * block + 2 * t) * 8 + k][lane] = bytes.lowHalf[k]
              weights[(8 * block + 2 * t + 1) * 8 + k][lane] = bytes.highHalf[k]
            }
          }
          for j in 0..<8 {
            let scale = s.scale(j)
            scales[8 * block + j][lane] = scale | (scale &<< 16)
            minimums[8 * block + j][lane] = m[j]
          }
        }
      }
    }

    /// `y[v · outputStride + r]` = row r of the Q4_K matrix at `base` · vector v of `vectors`,
    /// for every row and vector, in ``SuperBlockOrder/subBlockPairs``.
    static func run(
      base: UnsafeRawPointer, rowBytes: Int, rows: Int, superBlocks: Int, vectors: UnsafeBufferPointer<ActivationRow>,
      into y: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
      let tileRows = tileGroups * groupRows
      let tiles = (rows + tileRows - 1) / tileRows
      Parallel.forRange(tiles, minChunk: 1, rangesPerThread: 8) { range in
        let tile = Tile(superBlocks: superBlocks)
        defer { tile.deallocate() }
        for t in range {
          let first = t * tileRows
          // Rows past the end repeat the last row; their results are not stored.
          for g in 0..<tileGroups {
            for lane in 0..<groupRows {
              let r = Swift.min(first + g * groupRows + lane, rows - 1)
              tile.fill(group: g, lane: lane, row: base + r * rowBytes)
            }
          }
          var v = 0
          while v < vectors.count {
            let count = Swift.min(vectorsPerPass, vectors.count - v)
            // A short last pass repeats its last vector.
            let last = v + count - 1
            let (x0, x1, x2, x3) = (
              vectors[v], vectors[Swift.min(v + 1, last)], vectors[Swift.min(v + 2, last)],
              vectors[Swift.min(v + 3, last)]
            )
            for g in 0..<tileGroups where first + g * groupRows < rows {
              var results = sweep(tile, group: g, x0, x1, x2, x3)
              let rowStart = first + g * groupRows
              let valid = Swift.min(groupRows, rows - rowStart)
              withUnsafeBytes(of: &results) { results in
                for i in 0..<count {
                  let result = results.load(fromByteOffset: i * MemoryLayout<SIMD8<Float>>.stride, as: SIMD8<Float>.self)
                  let out = y + (v + i) * outputStride + rowStart
                  if valid == groupRows {
                    UnsafeMutableRawPointer(out).storeBytes(of: result, as: SIMD8<Float>.self)
                  } else {
                    for r in 0..<valid { out[r] = result[r] }
                  }
                }
              }
            }
            v += count
          }
        }
      }
    }

    /// Group `group` of the tile times four vectors: each vector's eight rows' results.
    @inline(__always)
    static func sweep(
      _ tile: Tile, group: Int, _ x0: ActivationRow, _ x1: ActivationRow, _ x2: ActivationRow, _ x3: ActivationRow
    ) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
      var whole = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
      let b0 = UnsafeRawPointer(x0.bytes)
      let b1 = UnsafeRawPointer(x1.bytes)
      let b2 = UnsafeRawPointer(x2.bytes)
      let b3 = UnsafeRawPointer(x3.bytes)
      for b in 0..<tile.superBlocks {
        let block = group * tile.superBlocks + b
        let d = tile.d[block]
        for pair in 0..<4 {
          var acc = (SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>())
          for j in 2 * pair..<2 * pair + 2 {
            // 16-bit lanes: a sub-block's eight steps cannot leave them (see above).
            var p = (SIMD16<Int16>(), SIMD16<Int16>(), SIMD16<Int16>(), SIMD16<Int16>())
            let w = tile.weights + (8 * block + j) * 8
            let offset = 256 * b + 32 * j
            for k in 0..<8 {
              let weights = w[k]
              @inline(__always)
              func step(_ x: UnsafeRawPointer, _ sum: inout SIMD16<Int16>) {
                let broadcast = SIMD8<Int32>(repeating: x.loadUnaligned(fromByteOffset: offset + 4 * k, as: Int32.self))
                sum &+= unsafeBitCast(ByteDot.pairs(weights, broadcast), to: SIMD16<Int16>.self)
              }
              step(b0, &p.0)
              step(b1, &p.1)
              step(b2, &p.2)
              step(b3, &p.3)
            }
            let scales = tile.scales[8 * block + j]
            acc.0 &+= ByteDot.words(unsafeBitCast(p.0, to: SIMD8<Int32>.self), scales)
            acc.1 &+= ByteDot.words(unsafeBitCast(p.1, to: SIMD8<Int32>.self), scales)
            acc.2 &+= ByteDot.words(unsafeBitCast(p.2, to: SIMD8<Int32>.self), scales)
            acc.3 &+= ByteDot.words(unsafeBitCast(p.3, to: SIMD8<Int32>.self), scales)
          }
          // The pair's step: d · dₐ (each row's d times the vector's scale), fused.
          whole.0 = whole.0.addingProduct(LaneMath.float(acc.0), d * SIMD8(repeating: x0.scales[b]))
          whole.1 = whole.1.addingProduct(LaneMath.float(acc.1), d * SIMD8(repeating: x1.scales[b]))
          whole.2 = whole.2.addingProduct(LaneMath.float(acc.2), d * SIMD8(repeating: x2.scales[b]))
          whole.3 = whole.3.addingProduct(LaneMath.float(acc.3), d * SIMD8(repeating: x3.scales[b]))
        }
      }
      return (
        whole.0 - minimumTerms(tile, group: group, x0), whole.1 - minimumTerms(tile, group: group, x1),
        whole.2 - minimumTerms(tile, group: group, x2), whole.3 - minimumTerms(tile, group: group, x3)
      )
    }

    /// The minimum terms of one vector, an accumulator of their own as in the paired kernel:
    /// per super-block and sub-block pair, `dmin · dₐ · (m₂ₚ · Σ₂ₚ + m₂ₚ₊₁ · Σ₂ₚ₊₁)`.
    @inline(__always)
    static func minimumTerms(_ tile: Tile, group: Int, _ x: ActivationRow) -> SIMD8<Float> {
      var total = SIMD8<Float>()
      for b in 0..<tile.superBlocks {
        let block = group * tile.superBlocks + b
        let scale = tile.dmin[block] * SIMD8(repeating: x.scales[b])
        for pair in 0..<4 {
          let even = SIMD8(repeating: x.sums[8 * b + 2 * pair])
          let odd = SIMD8(repeating: x.sums[8 * b + 2 * pair + 1])
          let minimums = LaneMath.float(
            tile.minimums[8 * block + 2 * pair] &* even &+ tile.minimums[8 * block + 2 * pair + 1] &* odd)
          total = total.addingProduct(minimums, scale)
        }
      }
      return total
    }
  }
#endif
