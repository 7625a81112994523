#if TWIN_BYTE_KERNELS
  /// Q6_K for ``InterleavedProducts``, in ``SuperBlockOrder/tiled`` (llama.cpp's tiled GEMM,
  /// from 8 vectors on).
  ///
  /// Weights are the unsigned q (0…63), so two steps' `vpmaddubsw` pair sums (at most
  /// 2 · 2 · 63 · 128 = 32,256) fit a 16-bit lane; each 16 elements have a scale of their own,
  /// and the two steps before each `vpmaddwd` lie within one. The offset (q − 32) comes out
  /// per 16 elements, −32 · scale times the activations' 16-element sum, two at a time in one
  /// more `vpmaddwd`. Then, as ``PairedSuperBlockProducts`` does: per super-block, d times its
  /// integer sum, times dₐ into the accumulator.
  struct InterleavedQ6KTile: InterleavedTile {
    /// `[group][super-block][sub-block][step]`.
    let weights: UnsafeMutablePointer<RowWords>
    /// `[group][super-block][16 elements]`: each row's scale in both 16-bit halves.
    let scales: UnsafeMutablePointer<RowInts>
    /// `[group][super-block][32 elements]`: each row's −32 · scale of both 16-element halves,
    /// as a 16-bit pair.
    let corrections: UnsafeMutablePointer<RowInts>
    /// `[group][super-block]`.
    let d: UnsafeMutablePointer<RowFloats>
    let superBlocks: Int

    init(groups: Int, superBlocks: Int) {
      self.superBlocks = superBlocks
      let blocks = groups * superBlocks
      weights = .allocate(capacity: blocks * 64)
      scales = .allocate(capacity: blocks * 16)
      corrections = .allocate(capacity: blocks * 8)
      d = .allocate(capacity: blocks)
    }

    func deallocate() {
      weights.deallocate()
      scales.deallocate()
      corrections.deallocate()
      d.deallocate()
    }

    func fill(group: Int, lane: Int, row: UnsafeRawPointer) {
      for b in 0..<superBlocks {
        let p = row + b * BlockQ6_K.type.bytesPerBlock
        let s = BlockQ6_K.scales(p)
        let block = group * superBlocks + b
        d[block][lane] = s.d
        for t in 0..<4 {
          InterleavedProducts.store(BlockQ6_K.productBytes(p, t), into: weights + (8 * block + 2 * t) * 8, lane: lane)
        }
        let c = BlockQ6_K.correctionScales(s)
        for h in 0..<16 {
          let scale = s.scale(h)
          scales[16 * block + h][lane] = (scale & 0xFFFF) | (scale &<< 16)
        }
        for i in 0..<8 {
          corrections[8 * block + i][lane] = (c[2 * i] & 0xFFFF) | (c[2 * i + 1] &<< 16)
        }
      }
    }

    @inline(__always)
    func sweep(group: Int, _ x0: ActivationRow, _ x1: ActivationRow, _ x2: ActivationRow, _ x3: ActivationRow) -> (
      RowFloats, RowFloats, RowFloats, RowFloats
    ) {
      var whole = (RowFloats(), RowFloats(), RowFloats(), RowFloats())
      let x = (UnsafeRawPointer(x0.bytes), UnsafeRawPointer(x1.bytes), UnsafeRawPointer(x2.bytes), UnsafeRawPointer(x3.bytes))
      for b in 0..<superBlocks {
        let block = group * superBlocks + b
        var acc = (RowInts(), RowInts(), RowInts(), RowInts())
        for j in 0..<8 {
          let w = weights + (8 * block + j) * 8
          // Steps 0–3 are the sub-block's first 16 elements, 4–7 its last 16.
          for half in 0..<2 {
            let scale = scales[16 * block + 2 * j + half]
            for k in stride(from: 4 * half, to: 4 * half + 4, by: 2) {
              var p = (RowShorts(), RowShorts(), RowShorts(), RowShorts())
              InterleavedProducts.step(w[k], x, offset: 256 * b + 32 * j + 4 * k, &p)
              InterleavedProducts.step(w[k + 1], x, offset: 256 * b + 32 * j + 4 * k + 4, &p)
              InterleavedProducts.scaledAdd(&acc, p, scale)
            }
          }
        }
        // The offset: −32 · scale · (16-element sum), two 16-element groups per `vpmaddwd`.
        @inline(__always)
        func correct(_ acc: inout RowInts, _ row: ActivationRow) {
          for i in 0..<8 {
            let sums = row.halfSums + 16 * b + 2 * i
            let pair = (sums[0] & 0xFFFF) | (sums[1] &<< 16)
            acc = ByteDot.scaledAdd(acc, corrections[8 * block + i], RowInts(repeating: pair))
          }
        }
        correct(&acc.0, x0)
        correct(&acc.1, x1)
        correct(&acc.2, x2)
        correct(&acc.3, x3)
        let d = d[block]
        whole.0 = whole.0.addingProduct(d * LaneMath.float(acc.0), RowFloats(repeating: x0.scales[b]))
        whole.1 = whole.1.addingProduct(d * LaneMath.float(acc.1), RowFloats(repeating: x1.scales[b]))
        whole.2 = whole.2.addingProduct(d * LaneMath.float(acc.2), RowFloats(repeating: x2.scales[b]))
        whole.3 = whole.3.addingProduct(d * LaneMath.float(acc.3), RowFloats(repeating: x3.scales[b]))
      }
      return whole
    }
  }
#endif
