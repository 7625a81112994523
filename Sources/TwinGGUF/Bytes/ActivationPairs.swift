#if TWIN_AVX512_VNNI
  /// Quantised activation vectors laid out two by two for the byte kernels: for each pair of
  /// vectors and each 32-element block, one 64-byte line of both vectors' values, one of both
  /// vectors' four-element sums, and one of their scales (each repeated over its half).
  ///
  /// The prompt kernels multiply a weight block with two vectors per instruction; with this
  /// layout each operand is a single aligned load instead of two loads, an insert and a scale
  /// broadcast per pair and block. Built once per product, it costs a pass over the activations
  /// (a few percent of the product).
  final class ActivationPairs {
    /// Bytes per pair and block: values, sums, scales.
    static let stride = 192
    let base: UnsafeMutableRawPointer
    let blocks: Int
    let pairs: Int

    /// Pairs of `rows` (the last one doubled when their number is odd).
    init(_ rows: UnsafeBufferPointer<ActivationRow>, blocks: Int) {
      self.blocks = blocks
      pairs = (rows.count + 1) / 2
      base = .allocate(byteCount: max(pairs * blocks * Self.stride, 64), alignment: 64)
      for p in 0..<pairs {
        let first = rows[2 * p]
        let second = rows[Swift.min(2 * p + 1, rows.count - 1)]
        for b in 0..<blocks {
          let line = base + (p * blocks + b) * Self.stride
          line.storeBytes(
            of: SIMD16<Int32>(lowHalf: first.byteBlock(b), highHalf: second.byteBlock(b)), as: SIMD16<Int32>.self)
          (line + 64).storeBytes(
            of: SIMD16<Int32>(lowHalf: first.laneSums(b), highHalf: second.laneSums(b)), as: SIMD16<Int32>.self)
          (line + 128).storeBytes(
            of: SIMD16<Float>(lowHalf: SIMD8(repeating: first.scales[b]), highHalf: SIMD8(repeating: second.scales[b])),
            as: SIMD16<Float>.self)
        }
      }
    }

    deinit { base.deallocate() }

    /// Block `b` of pair `p`: where its three lines start.
    @inline(__always)
    func line(pair p: Int, block b: Int) -> UnsafeRawPointer {
      UnsafeRawPointer(base + (p * blocks + b) * Self.stride)
    }
  }

  extension QuantizedDot {
    /// `Σ w·xᵥ` for one row at `w` (`blocks` blocks) and the four vectors of pairs `p0` and
    /// `p1` of `pairs` (`a0`…`a3` are the same vectors, for their minimum offsets).
    @inline(__always)
    static func vectors4Pairs<F: Block32Format>(
      _: F.Type, _ w: UnsafeRawPointer, blocks: Int, _ pairs: ActivationPairs, _ p0: Int, _ p1: Int,
      _ a0: ActivationRow, _ a1: ActivationRow, _ a2: ActivationRow, _ a3: ActivationRow
    ) -> SIMD4<Float> {
      let bytes = F.type.bytesPerBlock
      var acc01 = SIMD16<Float>()
      var acc23 = SIMD16<Float>()
      var minimums = SIMD4<Float>()
      var l01 = pairs.line(pair: p0, block: 0)
      var l23 = pairs.line(pair: p1, block: 0)
      for b in 0..<blocks {
        let k = F.bytes(w + b * bytes)
        let u = SIMD16<UInt32>(lowHalf: k.bytes, highHalf: k.bytes)
        let i01 = byteLanes(
          F.self, u, l01.load(as: SIMD16<Int32>.self), sums: (l01 + 64).load(as: SIMD16<Int32>.self))
        let i23 = byteLanes(
          F.self, u, l23.load(as: SIMD16<Int32>.self), sums: (l23 + 64).load(as: SIMD16<Int32>.self))
        let d = SIMD16<Float>(repeating: k.scale)
        acc01 = acc01.addingProduct(LaneMath.float(i01), d * (l01 + 128).load(as: SIMD16<Float>.self))
        acc23 = acc23.addingProduct(LaneMath.float(i23), d * (l23 + 128).load(as: SIMD16<Float>.self))
        if F.hasMinimum {
          let offsets = SIMD4<Float>(a0.offsets[b], a1.offsets[b], a2.offsets[b], a3.offsets[b])
          minimums = minimums.addingProduct(SIMD4(repeating: k.minimum), offsets)
        }
        l01 += ActivationPairs.stride
        l23 += ActivationPairs.stride
      }
      return SIMD4(
        LaneMath.sum(acc01.lowHalf), LaneMath.sum(acc01.highHalf), LaneMath.sum(acc23.lowHalf),
        LaneMath.sum(acc23.highHalf)) + minimums
    }
  }
#endif
