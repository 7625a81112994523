import TwinTensor

/// The two shapes of work the matrix drivers hand out: four rows with vector 0 (generation),
/// or one row with four vectors (prompts). A type per weight family so the generic driver
/// specialises and inlines the kernel.
protocol RowKernel {
  /// Products of rows `r0`…`r3` with vector 0.
  func rows4(_ r0: Int, _ r1: Int, _ r2: Int, _ r3: Int) -> SIMD4<Float>
  /// Products of row `row` with vectors `v0`…`v3`.
  func vectors4(_ row: Int, _ v0: Int, _ v1: Int, _ v2: Int, _ v3: Int) -> SIMD4<Float>
}

/// Rows of a 32-element block format against ``Q8Activations/Format/q8_0`` vectors.
struct Block32Kernel<F: Block32Format>: RowKernel {
  let base: UnsafeRawPointer
  let rowBytes: Int
  let blocks: Int
  let activations: UnsafePointer<ActivationRow>

  @inline(__always)
  func rows4(_ r0: Int, _ r1: Int, _ r2: Int, _ r3: Int) -> SIMD4<Float> {
    #if TWIN_BYTE_KERNELS
      QuantizedDot.rows4Bytes(
        F.self, base + r0 * rowBytes, base + r1 * rowBytes, base + r2 * rowBytes,
        base + r3 * rowBytes, blocks: blocks, activations[0])
    #else
      QuantizedDot.rows4(
        F.self, base + r0 * rowBytes, base + r1 * rowBytes, base + r2 * rowBytes,
        base + r3 * rowBytes, blocks: blocks, activations[0])
    #endif
  }

  @inline(__always)
  func vectors4(_ row: Int, _ v0: Int, _ v1: Int, _ v2: Int, _ v3: Int) -> SIMD4<Float> {
    // With VNNI, prompts of these formats go to PairedProducts instead; same results.
    QuantizedDot.vectors4(
      F.self, base + row * rowBytes, blocks: blocks, activations[v0], activations[v1],
      activations[v2], activations[v3])
  }
}

/// Rows of a K-quant format against ``Q8Activations/Format/q8_K`` vectors.
struct SuperBlockKernel<F: SuperBlockFormat>: RowKernel {
  let base: UnsafeRawPointer
  let rowBytes: Int
  let blocks: Int
  let activations: UnsafePointer<ActivationRow>
  /// llama.cpp's accumulation for this product's batch size.
  let order: SuperBlockOrder
  /// What the byte products spread scales with, fetched once per product.
  let indices = ScaleIndices.make()

  @inline(__always)
  func rows4(_ r0: Int, _ r1: Int, _ r2: Int, _ r3: Int) -> SIMD4<Float> {
    let (w0, w1, w2, w3) = (base + r0 * rowBytes, base + r1 * rowBytes, base + r2 * rowBytes, base + r3 * rowBytes)
    // One inlined copy of the kernel per order, each with its order a constant: with the order
    // a variable, its switch stayed inside the loop over super-blocks (a jump table per block,
    // the accumulators of the other orders kept alive on the stack).
    let a = activations[0]
    switch order {
    case .lanes: return QuantizedDot.rows4(F.self, w0, w1, w2, w3, blocks: blocks, a, order: .lanes, indices: indices)
    case .wholeBlock:
      return QuantizedDot.rows4(F.self, w0, w1, w2, w3, blocks: blocks, a, order: .wholeBlock, indices: indices)
    case .subBlockPairs:
      return QuantizedDot.rows4(F.self, w0, w1, w2, w3, blocks: blocks, a, order: .subBlockPairs, indices: indices)
    case .tiled: return QuantizedDot.rows4(F.self, w0, w1, w2, w3, blocks: blocks, a, order: .tiled, indices: indices)
    }
  }

  @inline(__always)
  func vectors4(_ row: Int, _ v0: Int, _ v1: Int, _ v2: Int, _ v3: Int) -> SIMD4<Float> {
    QuantizedDot.vectors4(
      F.self, base + row * rowBytes, blocks: blocks, activations[v0], activations[v1],
      activations[v2], activations[v3], order: order)
  }
}

/// Rows of F32/F16/BF16 against `Float` vectors `stride` floats apart.
struct FloatKernel<F: FloatFormat>: RowKernel {
  let base: UnsafeRawPointer
  let rowBytes: Int
  let columns: Int
  let x: UnsafePointer<Float>
  let stride: Int

  @inline(__always)
  func rows4(_ r0: Int, _ r1: Int, _ r2: Int, _ r3: Int) -> SIMD4<Float> {
    FloatRowDot.rows4(
      F.self, base + r0 * rowBytes, base + r1 * rowBytes, base + r2 * rowBytes,
      base + r3 * rowBytes, x, count: columns)
  }

  @inline(__always)
  func vectors4(_ row: Int, _ v0: Int, _ v1: Int, _ v2: Int, _ v3: Int) -> SIMD4<Float> {
    FloatRowDot.vectors4(
      F.self, base + row * rowBytes, x + v0 * stride, x + v1 * stride, x + v2 * stride,
      x + v3 * stride, count: columns)
  }
}

extension Block32Kernel {
  init(_ matrix: QuantizedMatrix, _ activations: UnsafePointer<ActivationRow>) {
    self.init(
      base: matrix.base, rowBytes: matrix.rowByteCount, blocks: matrix.columns / 32,
      activations: activations)
  }
}

extension SuperBlockKernel {
  init(_ matrix: QuantizedMatrix, _ activations: UnsafePointer<ActivationRow>, order: SuperBlockOrder) {
    self.init(
      base: matrix.base, rowBytes: matrix.rowByteCount, blocks: matrix.columns / 256,
      activations: activations, order: order)
  }
}

extension FloatKernel {
  init(_ matrix: QuantizedMatrix, _ x: UnsafePointer<Float>, stride: Int) {
    self.init(
      base: matrix.base, rowBytes: matrix.rowByteCount, columns: matrix.columns, x: x,
      stride: stride)
  }
}

/// Runs a ``RowKernel`` over every (row, vector) pair of a product, rows split across threads.
enum MatrixDriver {
  /// Rows per tile when several vectors are multiplied: a tile's rows and four vectors'
  /// activations stay in L1 while the tile is swept once per group of four vectors.
  static let tileRows = 16

  /// `y[v · outputStride + r] = row r · vector v` for all `rows` × `vectors` pairs.
  /// `rowWork` is the cost of one row with one vector (its bytes), to size thread chunks.
  @inline(__always)
  static func run<K: RowKernel>(
    _ kernel: K, rows: Int, vectors: Int, rowWork: Int, into y: UnsafeMutablePointer<Float>,
    outputStride: Int
  ) {
    guard rows > 0, vectors > 0 else { return }
    // A chunk should be worth a few microseconds (~16 KB of weight traffic per vector): small
    // enough that a decode step's small matrices split evenly over the threads (with 64 KB,
    // SmolLM2's 576-row projections made three chunks for two threads).
    let minChunk = max(4, (16 << 10) / max(rowWork * vectors, 1))
    // One vector (decoding) is a few hundred microseconds per product: more, smaller ranges
    // so that neither thread waits long for the other's last one.
    Parallel.forRange(rows, minChunk: minChunk, rangesPerThread: vectors == 1 ? 8 : nil) { range in
      let last = range.upperBound - 1
      if vectors == 1 {
        // The four rows worked on together come from the four quarters of the range, so the
        // weights are read as four long sequential streams, which the hardware prefetchers
        // follow. Four adjacent rows would make four streams only a row long (under a
        // kilobyte for small models), which they never catch up with: measured 2.5× slower
        // from DRAM.
        let quarter = range.count / 4
        let (s0, s1, s2, s3) = (
          range.lowerBound, range.lowerBound + quarter, range.lowerBound + 2 * quarter,
          range.lowerBound + 3 * quarter
        )
        for i in 0..<quarter {
          let out = kernel.rows4(s0 + i, s1 + i, s2 + i, s3 + i)
          (y[s0 + i], y[s1 + i], y[s2 + i], y[s3 + i]) = (out[0], out[1], out[2], out[3])
        }
        // The last few rows: repeat the final one and drop the extra results.
        let r = range.lowerBound + 4 * quarter
        if r <= last {
          let out = kernel.rows4(r, min(r + 1, last), min(r + 2, last), last)
          for i in 0..<(last - r + 1) { y[r + i] = out[i] }
        }
        return
      }
      var tile = range.lowerBound
      while tile <= last {
        let tileEnd = min(tile + tileRows, range.upperBound)
        var v = 0
        while v < vectors {
          let lastVector = vectors - 1
          let (v1, v2, v3) = (
            min(v + 1, lastVector), min(v + 2, lastVector), min(v + 3, lastVector)
          )
          let valid = min(4, vectors - v)
          for r in tile..<tileEnd {
            let out = kernel.vectors4(r, v, v1, v2, v3)
            for i in 0..<valid { y[(v + i) * outputStride + r] = out[i] }
          }
          v += 4
        }
        tile = tileEnd
      }
    }
  }
}
