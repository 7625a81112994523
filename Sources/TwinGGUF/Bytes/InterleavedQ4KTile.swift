#if TWIN_BYTE_KERNELS
  /// Q4_K for ``InterleavedProducts``, in ``SuperBlockOrder/subBlockPairs`` (llama.cpp's
  /// `q4_K_8x8` GEMM).
  ///
  /// Weights have four bits, so a `vpmaddubsw` pair sum is at most 2 · 15 · 128 = 3,840 in
  /// size and a sub-block's eight steps add up to at most 30,720: they stay in 16-bit lanes
  /// and are scaled into 32 bits once per sub-block, one multiply per 32 products where the
  /// paired kernel takes two. Then, as ``PairedSuperBlockProducts`` does: per sub-block pair,
  /// its integer sum times d · dₐ into the accumulator; the minimum terms in one of their own.
  struct InterleavedQ4KTile: InterleavedTile {
    /// `[group][super-block][sub-block][step]`.
    let weights: UnsafeMutablePointer<RowWords>
    /// `[group][super-block][sub-block]`: each row's scale in both 16-bit halves, for `vpmaddwd`.
    let scales: UnsafeMutablePointer<RowInts>
    /// `[group][super-block][sub-block]`: each row's minimum.
    let minimums: UnsafeMutablePointer<RowInts>
    /// `[group][super-block]`: d and dmin.
    let d: UnsafeMutablePointer<RowFloats>
    let dmin: UnsafeMutablePointer<RowFloats>
    let superBlocks: Int

    init(groups: Int, superBlocks: Int) {
      self.superBlocks = superBlocks
      let blocks = groups * superBlocks
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

    func fill(group: Int, lane: Int, row: UnsafeRawPointer) {
      for b in 0..<superBlocks {
        let p = row + b * BlockQ4_K.type.bytesPerBlock
        let s = KQuantScales(p)
        let block = group * superBlocks + b
        d[block][lane] = s.d
        dmin[block][lane] = s.dmin
        let m = s.minimumLanes
        for t in 0..<4 {
          InterleavedProducts.store(BlockQ4_K.productBytes(p, t), into: weights + (8 * block + 2 * t) * 8, lane: lane)
        }
        for j in 0..<8 {
          let scale = s.scale(j)
          scales[8 * block + j][lane] = scale | (scale &<< 16)
          minimums[8 * block + j][lane] = m[j]
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
        let d = d[block]
        for pair in 0..<4 {
          var acc = (RowInts(), RowInts(), RowInts(), RowInts())
          for j in 2 * pair..<2 * pair + 2 {
            var p = (RowShorts(), RowShorts(), RowShorts(), RowShorts())
            let w = weights + (8 * block + j) * 8
            for k in 0..<8 { InterleavedProducts.step(w[k], x, offset: 256 * b + 32 * j + 4 * k, &p) }
            InterleavedProducts.scaledAdd(&acc, p, scales[8 * block + j])
          }
          // The pair's step: d · dₐ (each row's d times the vector's scale), fused.
          whole.0 = whole.0.addingProduct(LaneMath.float(acc.0), d * RowFloats(repeating: x0.scales[b]))
          whole.1 = whole.1.addingProduct(LaneMath.float(acc.1), d * RowFloats(repeating: x1.scales[b]))
          whole.2 = whole.2.addingProduct(LaneMath.float(acc.2), d * RowFloats(repeating: x2.scales[b]))
          whole.3 = whole.3.addingProduct(LaneMath.float(acc.3), d * RowFloats(repeating: x3.scales[b]))
        }
      }
      return (
        whole.0 - minimumTerms(group: group, x0), whole.1 - minimumTerms(group: group, x1),
        whole.2 - minimumTerms(group: group, x2), whole.3 - minimumTerms(group: group, x3)
      )
    }

    /// One vector's minimum terms, per super-block and sub-block pair:
    /// `dmin · dₐ · (m₂ₚ · Σ₂ₚ + m₂ₚ₊₁ · Σ₂ₚ₊₁)`.
    @inline(__always)
    func minimumTerms(group: Int, _ x: ActivationRow) -> RowFloats {
      var total = RowFloats()
      for b in 0..<superBlocks {
        let block = group * superBlocks + b
        let scale = dmin[block] * RowFloats(repeating: x.scales[b])
        for pair in 0..<4 {
          let even = RowInts(repeating: x.sums[8 * b + 2 * pair])
          let odd = RowInts(repeating: x.sums[8 * b + 2 * pair + 1])
          let minimums = LaneMath.float(
            minimums[8 * block + 2 * pair] &* even &+ minimums[8 * block + 2 * pair + 1] &* odd)
          total = total.addingProduct(minimums, scale)
        }
      }
      return total
    }
  }
#endif
