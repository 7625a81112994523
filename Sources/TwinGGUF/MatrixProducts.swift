import TwinTensor

/// Products with a weight matrix: `y = W · x` for one vector (generation) or many (a prompt).
///
/// Quantised matrices multiply ``Q8Activations``; the `Float` entry points quantise for you
/// (in the matrix's ``QuantizedMatrix/activationFormat``), which is simplest, but when several
/// matrices multiply the same vector, quantise once with ``QuantizedMatrix/quantize(_:count:stride:)``
/// and pass the activations to each. F32/F16/BF16 matrices multiply `Float`s directly.
///
/// Products follow llama.cpp's CPU kernels to the bit: a result never depends on the thread
/// count or on the other vectors' values. It depends on the batch size only where llama.cpp's
/// does: Q4_K (repacked: a GEMM for the vectors in fours, a GEMV for the rest) and Q6_K (tiled
/// from 8 vectors on) accumulate in another order per batch shape (``SuperBlockOrder``); every
/// other format gives a vector the same bits alone or in any batch. Large products run on
/// ``Parallel`` threads.
extension QuantizedMatrix {
  /// Quantises `count` input vectors of ``columns`` floats (`stride` floats apart, default
  /// ``columns``) for this matrix.
  ///
  /// - Precondition: the matrix is quantised (``activationFormat`` is not nil).
  public func quantize(_ x: UnsafePointer<Float>, count: Int, stride: Int? = nil) -> Q8Activations {
    guard let format = activationFormat else {
      preconditionFailure(
        "\(type) matrix '\(name)' multiplies Float activations, not quantised ones")
    }
    return Q8Activations(x, count: count, length: columns, stride: stride, format: format)
  }

  /// `y = W · x`: `rows` outputs from ``columns`` inputs.
  public func matvec(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
    matmul(x, count: 1, into: y)
  }

  /// `W · x`.
  public func matvec(_ x: [Float]) -> [Float] {
    precondition(x.count == columns, "x has \(x.count) values, '\(name)' has \(columns) columns")
    var y = [Float](repeating: 0, count: rows)
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in
        if let input = xp.baseAddress, let output = yp.baseAddress { matvec(input, into: output) }
      }
    }
    return y
  }

  /// `y = W · x` for vector `vector` of already quantised activations.
  public func matvec(
    _ activations: Q8Activations, vector: Int = 0, into y: UnsafeMutablePointer<Float>
  ) {
    products(activations, vectors: vector..<(vector + 1), into: y, outputStride: rows)
  }

  /// `Y = X · Wᵀ` for `count` input vectors: `x` holds `count` rows of ``columns`` floats,
  /// `inputStride` floats apart (default ``columns``), and `y` receives `count` rows of ``rows``
  /// outputs, `outputStride` floats apart (default ``rows``). Each weight block is unpacked
  /// once for four vectors.
  public func matmul(
    _ x: UnsafePointer<Float>, count: Int, inputStride: Int? = nil,
    into y: UnsafeMutablePointer<Float>, outputStride: Int? = nil
  ) {
    let inputStride = inputStride ?? columns
    let outputStride = outputStride ?? rows
    precondition(count >= 0 && inputStride >= columns && outputStride >= rows, "bad shape")
    if activationFormat != nil {
      let activations = quantize(x, count: count, stride: inputStride)
      products(activations, vectors: 0..<count, into: y, outputStride: outputStride)
    } else {
      floatProducts(x, count: count, stride: inputStride, into: y, outputStride: outputStride)
    }
  }

  /// `Y = X · Wᵀ` for every vector of already quantised activations (see
  /// ``matmul(_:count:inputStride:into:outputStride:)``).
  public func matmul(
    _ activations: Q8Activations, into y: UnsafeMutablePointer<Float>, outputStride: Int? = nil
  ) {
    let outputStride = outputStride ?? rows
    precondition(outputStride >= rows, "bad output stride")
    products(activations, vectors: 0..<activations.count, into: y, outputStride: outputStride)
  }

  /// `Y = X · Wᵀ` one vector at a time, with the matrix-vector kernels: for the few vectors of
  /// a batched decode step, where unpacking weight tiles for the matrix-matrix kernels costs
  /// more than it saves. Output row `v` equals ``matvec(_:into:)`` of row `v`, bit for bit.
  public func matmulByVector(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
    if activationFormat != nil {
      matmulByVector(quantize(x, count: count), into: y)
    } else {
      for v in 0..<count {
        floatProducts(x + v * columns, count: 1, stride: columns, into: y + v * rows, outputStride: rows)
      }
    }
  }

  /// ``matmulByVector(_:count:into:)`` for already quantised activations.
  public func matmulByVector(_ activations: Q8Activations, into y: UnsafeMutablePointer<Float>) {
    for v in 0..<activations.count {
      products(activations, vectors: v..<(v + 1), into: y + v * rows, outputStride: rows)
    }
  }

  /// One matrix-vector product of a ``matvecs(_:)`` batch: `matrix` times vector 0 of
  /// `activations`, into the ``rows`` floats at `output`.
  public typealias VectorProduct = (
    matrix: QuantizedMatrix, activations: Q8Activations, output: UnsafeMutablePointer<Float>
  )

  /// Several matrix-vector products in one parallel dispatch: each equals its own
  /// ``matvec(_:vector:into:)``, bit for bit.
  ///
  /// For the products of one decode step that share an input (q, k and v; gate and up): a
  /// small model's step is a few hundred short products, and each dispatch costs a wake-up and
  /// a barrier at which one thread waits for the other. The rows of all the matrices are cut
  /// into chunks together, and each chunk runs the one-vector kernel on its rows.
  public static func matvecs(_ products: [VectorProduct]) {
    for p in products {
      precondition(p.activations.count >= 1, "'\(p.matrix.name)' has no activations to multiply")
    }
    // Chunks are made of 16-row units; `firstUnit[i]` is matrix i's first unit.
    let unitRows = 16
    var firstUnit = [0]
    for p in products { firstUnit.append(firstUnit.last! + (p.matrix.rows + unitRows - 1) / unitRows) }
    let units = firstUnit.last!
    firstUnit.withUnsafeBufferPointer { firstUnit in
      Parallel.forRange(units) { range in
        for (i, p) in products.enumerated() {
          let lower = Swift.max(range.lowerBound, firstUnit[i]) - firstUnit[i]
          let upper = Swift.min(range.upperBound, firstUnit[i + 1]) - firstUnit[i]
          guard lower < upper else { continue }
          let rows = (lower * unitRows)..<Swift.min(upper * unitRows, p.matrix.rows)
          // Its own parallel loop runs serially while this one runs on the pool.
          QuantizedMatrix(view: p.matrix, rows: rows).matvec(p.activations, into: p.output + rows.lowerBound)
        }
      }
    }
  }

  /// Row `row` · `x` (``columns`` floats), quantising `x` first when the matrix is quantised.
  public func dot(row: Int, _ x: [Float]) -> Float {
    // A one-row view runs the same kernel, in the same order, as every other product.
    QuantizedMatrix(view: self, row: row).matvec(x)[0]
  }

  /// Row `row` · vector `vector` of quantised activations.
  public func dot(row: Int, _ activations: Q8Activations, vector: Int = 0) -> Float {
    var y: Float = 0
    QuantizedMatrix(view: self, row: row).matvec(activations, vector: vector, into: &y)
    return y
  }

  // MARK: Drivers

  /// The quantised products for `vectors` of `activations`; output `v - vectors.lowerBound`.
  func products(
    _ activations: Q8Activations, vectors: Range<Int>, into y: UnsafeMutablePointer<Float>,
    outputStride: Int
  ) {
    guard let format = activationFormat else {
      preconditionFailure(
        "\(type) matrix '\(name)' multiplies Float activations, not quantised ones")
    }
    precondition(
      activations.format == format,
      "'\(name)' (\(type)) needs \(format) activations, got \(activations.format)")
    precondition(
      activations.length == columns,
      "activations have \(activations.length) values, '\(name)' has \(columns) columns")
    precondition(
      vectors.lowerBound >= 0 && vectors.upperBound <= activations.count, "vectors out of range")
    let rows = (0..<vectors.count).map {
      ActivationRow(activations, vector: vectors.lowerBound + $0)
    }
    rows.withUnsafeBufferPointer { rowPointers in
      guard let pointers = rowPointers.baseAddress else { return }
      // One kernel per format: generic code specialised here, so each inner loop is inlined.
      func block32<F: Block32Format>(_: F.Type) {
        #if TWIN_BYTE_KERNELS
          if vectors.count > 1 {
            let pairs = ActivationPairs(rowPointers, length: columns, blockSize: 32, offsetShift: F.offsetShift)
            PairedProducts.run(
              F.self, base: base, rowBytes: rowByteCount, rows: self.rows, blocks: columns / 32, pairs: pairs,
              vectors: vectors.count, into: y, outputStride: outputStride)
            return
          }
        #endif
        run(Block32Kernel<F>(self, pointers), vectors.count, y, outputStride)
      }
      func superBlock<F: SuperBlockFormat>(_: F.Type) {
        // llama.cpp can treat a batch's vectors differently (Q4_K: four at a time in its GEMM,
        // the rest in its GEMV); each run of vectors with one order is a product of its own.
        for (segment, order) in F.orders(vectors: vectors.count) {
          let out = y + segment.lowerBound * outputStride
          let segmentRows = UnsafeBufferPointer(rebasing: rowPointers[segment])
          #if TWIN_BYTE_KERNELS
            // Rows interleaved in registers, where the format's order allows it.
            let interleaved: (any InterleavedTile.Type)? =
              F.self == BlockQ4_K.self && order == .subBlockPairs
              ? InterleavedQ4KTile.self : F.self == BlockQ6_K.self && order == .tiled ? InterleavedQ6KTile.self : nil
            if let interleaved {
              func product<T: InterleavedTile>(_ tile: T.Type) {
                InterleavedProducts.run(
                  tile, base: base, rowBytes: rowByteCount, rows: self.rows, superBlocks: columns / 256,
                  vectors: segmentRows, into: out, outputStride: outputStride)
              }
              product(interleaved)
              continue
            }
          #endif
          #if TWIN_BYTE_KERNELS
            if segment.count > 1 {
              // Q6_K's offset comes out as a lane correction, not from the activation lines.
              let pairs = ActivationPairs(segmentRows, length: columns, blockSize: 256, offsetShift: nil)
              PairedSuperBlockProducts.run(
                F.self, base: base, rowBytes: rowByteCount, rows: self.rows, superBlocks: columns / 256,
                pairs: pairs, vectors: segment.count, order: order, into: out, outputStride: outputStride)
              continue
            }
          #endif
          run(SuperBlockKernel<F>(self, pointers + segment.lowerBound, order: order), segment.count, out, outputStride)
        }
      }
      withStorage {
        withExtendedLifetime(activations) {
          switch type {
          case .q4_0: block32(BlockQ4_0.self)
          case .q4_1: block32(BlockQ4_1.self)
          case .q5_0: block32(BlockQ5_0.self)
          case .q5_1: block32(BlockQ5_1.self)
          case .q8_0: block32(BlockQ8_0.self)
          case .q4_K: superBlock(BlockQ4_K.self)
          case .q5_K: superBlock(BlockQ5_K.self)
          case .q6_K: superBlock(BlockQ6_K.self)
          default: preconditionFailure("no quantised kernel for \(type)")
          }
        }
      }
    }
  }

  /// The F32/F16/BF16 products for `count` vectors at `x`, `stride` floats apart.
  func floatProducts(
    _ x: UnsafePointer<Float>, count: Int, stride: Int, into y: UnsafeMutablePointer<Float>,
    outputStride: Int
  ) {
    withStorage {
      switch type {
      case .f32: run(FloatKernel<FloatF32>(self, x, stride: stride), count, y, outputStride)
      case .f16: run(FloatKernel<FloatF16>(self, x, stride: stride), count, y, outputStride)
      case .bf16: run(FloatKernel<FloatBF16>(self, x, stride: stride), count, y, outputStride)
      default: preconditionFailure("no Float kernel for \(type)")
      }
    }
  }

  @inline(__always)
  private func run<K: RowKernel>(
    _ kernel: K, _ vectors: Int, _ y: UnsafeMutablePointer<Float>, _ outputStride: Int
  ) {
    MatrixDriver.run(
      kernel, rows: rows, vectors: vectors, rowWork: rowByteCount, into: y,
      outputStride: outputStride)
  }
}
