#if TWIN_BYTE_KERNELS
  /// Quantised activation vectors laid out two by two for the prompt kernels
  /// (``PairedProducts``, ``PairedSuperBlockProducts``), prepared for one weight format: for
  /// each pair of vectors and each 32 elements, one 64-byte line of both vectors' values, one
  /// of the integer offset correction (for 32-element formats −2^shift × the four-element sums
  /// in 32-bit lanes, for K-quants 2^shift × the two-element sums in 16-bit lanes; zeros for
  /// formats without an offset), and one of their scales (each repeated over its half; for 256-element
  /// blocks, the block's scale on each of its eight lines). The pairs are padded to a multiple
  /// of ``pairsPerGroup`` by repeating the last vector. (For K-quants the offset line of each
  /// super-block's first 32 elements holds both vectors' 16-element sums instead.)
  ///
  /// Per-vector values the kernels need for the minimum terms are kept transposed
  /// (`[block][vector]`), so eight vectors' values are one load: ``offsets`` (`d · Σ q` per
  /// 32-element block), ``scalesByBlock`` and ``sumsByBlock`` (per 256-element block, its scale
  /// and its eight 32-element sums, `[block][sum][vector]`).
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
    /// Per 256-element block and vector: the activation scale.
    let scalesByBlock: UnsafeMutablePointer<Float>
    /// Per 256-element block, 32-element sum and vector: `Σ q`.
    let sumsByBlock: UnsafeMutablePointer<Int32>
    /// 32-element blocks per vector.
    let blocks: Int
    let pairs: Int

    /// Vectors per block in the transposed tables.
    var paddedVectors: Int { 2 * pairs }

    /// Pairs of `rows`, quantised in blocks of `blockSize` (32 or 256), for weights whose
    /// stored values carry an offset of 2^`offsetShift` (32-element formats; K-quants correct
    /// their offset per lane instead, and pass nil).
    init(_ rows: UnsafeBufferPointer<ActivationRow>, length: Int, blockSize: Int, offsetShift: Int32?) {
      precondition(blockSize == 32 || offsetShift == nil, "K-quant activations take no offset correction")
      blocks = length / 32
      let group = Self.pairsPerGroup
      pairs = ((rows.count + 1) / 2 + group - 1) / group * group
      lines = .allocate(byteCount: max(pairs * blocks * Self.stride, 64), alignment: 64)
      offsets = .allocate(capacity: max(2 * pairs * blocks, 1))
      let superBlocks = length / 256
      scalesByBlock = .allocate(capacity: max(2 * pairs * superBlocks, 1))
      sumsByBlock = .allocate(capacity: max(2 * pairs * superBlocks * 8, 1))
      let perScale = blockSize / 32
      let last = rows.count - 1
      for p in 0..<pairs {
        let first = rows[Swift.min(2 * p, last)]
        let second = rows[Swift.min(2 * p + 1, last)]
        for b in 0..<blocks {
          let line = lines + (p * blocks + b) * Self.stride
          line.storeBytes(
            of: SIMD16<Int32>(lowHalf: first.byteBlock(b), highHalf: second.byteBlock(b)), as: SIMD16<Int32>.self)
          if perScale == 1 {
            var correction = SIMD16<Int32>()
            if let shift = offsetShift {
              correction &-= SIMD16<Int32>(lowHalf: first.laneSums(b), highHalf: second.laneSums(b)) &<< shift
            }
            (line + 64).storeBytes(of: correction, as: SIMD16<Int32>.self)
          } else {
            // K-quants: on a super-block's first line, both vectors' sixteen 16-element sums
            // as 16-bit pairs, for the lane correction (see PairedSuperBlockProducts).
            let pairs = (line + 64).assumingMemoryBound(to: Int16.self)
            if b % 8 == 0 {
              for (h, row) in [(0, first), (16, second)] {
                for i in 0..<16 { pairs[h + i] = Int16(truncatingIfNeeded: row.halfSums[2 * b + i]) }
              }
            } else {
              pairs.initialize(repeating: 0, count: 32)
            }
          }
          (line + 128).storeBytes(
            of: SIMD16<Float>(
              lowHalf: SIMD8(repeating: first.scales[b / perScale]), highHalf: SIMD8(repeating: second.scales[b / perScale])),
            as: SIMD16<Float>.self)
          if perScale == 1 {
            offsets[b * 2 * pairs + 2 * p] = first.offsets[b]
            offsets[b * 2 * pairs + 2 * p + 1] = second.offsets[b]
          }
        }
        if perScale == 8 {
          for (h, row) in [first, second].enumerated() {
            let v = 2 * p + h
            for b in 0..<superBlocks {
              scalesByBlock[b * 2 * pairs + v] = row.scales[b]
              for k in 0..<8 { sumsByBlock[(b * 8 + k) * 2 * pairs + v] = row.sums[8 * b + k] }
            }
          }
        }
      }
    }

    deinit {
      lines.deallocate()
      offsets.deallocate()
      scalesByBlock.deallocate()
      sumsByBlock.deallocate()
    }
  }
#endif
