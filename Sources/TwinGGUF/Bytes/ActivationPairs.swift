#if TWIN_AVX512_VNNI
  /// Quantised activation vectors laid out two by two for the prompt kernel
  /// (``PairedProducts``), prepared for one 32-element block format `F`: for each pair of
  /// vectors and each block, one 64-byte line of both vectors' values, one of the integer
  /// offset correction (−2^shift × the four-element sums; zeros for formats without an
  /// offset), and one of their scales (each repeated over its half). The pairs are padded to a
  /// multiple of ``pairsPerGroup`` by repeating the last vector.
  ///
  /// Each operand of the kernel's inner loop is then one aligned load, where reading the
  /// vectors one by one would take two loads, an insert and a broadcast per pair and block.
  final class ActivationPairs {
    /// Bytes per pair and block: values, offset correction, scales.
    static let stride = 192
    /// Pairs multiplied together by the kernel.
    static let pairsPerGroup = 4
    let lines: UnsafeMutableRawPointer
    /// `d · Σ q` of every (padded) vector per block, `[block][vector]`, for formats with a minimum.
    let offsets: UnsafeMutablePointer<Float>
    let blocks: Int
    let pairs: Int

    /// Vectors per block in ``offsets``.
    var paddedVectors: Int { 2 * pairs }

    init<F: Block32Format>(_: F.Type, _ rows: UnsafeBufferPointer<ActivationRow>, blocks: Int) {
      self.blocks = blocks
      let group = Self.pairsPerGroup
      pairs = ((rows.count + 1) / 2 + group - 1) / group * group
      lines = .allocate(byteCount: max(pairs * blocks * Self.stride, 64), alignment: 64)
      offsets = .allocate(capacity: max(2 * pairs * blocks, 1))
      let last = rows.count - 1
      for p in 0..<pairs {
        let first = rows[Swift.min(2 * p, last)]
        let second = rows[Swift.min(2 * p + 1, last)]
        for b in 0..<blocks {
          let line = lines + (p * blocks + b) * Self.stride
          line.storeBytes(
            of: SIMD16<Int32>(lowHalf: first.byteBlock(b), highHalf: second.byteBlock(b)), as: SIMD16<Int32>.self)
          var correction = SIMD16<Int32>()
          if let shift = F.offsetShift {
            correction &-= SIMD16<Int32>(lowHalf: first.laneSums(b), highHalf: second.laneSums(b)) &<< shift
          }
          (line + 64).storeBytes(of: correction, as: SIMD16<Int32>.self)
          (line + 128).storeBytes(
            of: SIMD16<Float>(lowHalf: SIMD8(repeating: first.scales[b]), highHalf: SIMD8(repeating: second.scales[b])),
            as: SIMD16<Float>.self)
          offsets[b * 2 * pairs + 2 * p] = first.offsets[b]
          offsets[b * 2 * pairs + 2 * p + 1] = second.offsets[b]
        }
      }
    }

    deinit {
      lines.deallocate()
      offsets.deallocate()
    }
  }
#endif
