#if TWIN_BYTE_KERNELS
  import TwinTensor

  #if TWIN_AVX512_VNNI
    /// One register of interleaved rows, a 32-bit lane each: sixteen rows in a zmm register.
    typealias RowWords = SIMD16<UInt32>
    typealias RowInts = SIMD16<Int32>
    typealias RowFloats = SIMD16<Float>
    /// A register of rows as 16-bit lanes, two per row.
    typealias RowShorts = SIMD32<Int16>
  #else
    /// One register of interleaved rows, a 32-bit lane each: eight rows in a ymm register.
    typealias RowWords = SIMD8<UInt32>
    typealias RowInts = SIMD8<Int32>
    typealias RowFloats = SIMD8<Float>
    /// A register of rows as 16-bit lanes, two per row.
    typealias RowShorts = SIMD16<Int16>
  #endif

  /// K-quant prompt products with rows interleaved four bytes at a time, as llama.cpp's
  /// repacked GEMMs lay them out: eight rows to a register on AVX2, sixteen on AVX-512 (whose
  /// byte and word multiply-adds do twice the work per instruction).
  ///
  /// ``PairedSuperBlockProducts`` keeps each row's 32 bytes of a sub-block in one register, so
  /// every (row, vector) sum lands spread over eight lanes and must be folded across lanes
  /// before its `Float` step: that fold of shuffles costs as much as the products. Here one
  /// register holds bytes 4k…4k+3 of a group of rows' sub-block, one row per 32-bit lane, and
  /// the vector's same four bytes are broadcast: lane r is then row r's sum, and no lane ever
  /// needs folding. Byte pair sums (`vpmaddubsw`) are also added in 16-bit lanes for as many
  /// steps as the format's weights allow before they are scaled into 32 bits (`vpmaddwd`).
  ///
  /// A format's ``InterleavedTile`` unpacks rows and sweeps them; this driver shares the rows
  /// out among threads and the vectors among sweeps. Integer sums are exact and each tile
  /// repeats the paired kernel's `Float` steps term by term, so results are the same bits.
  enum InterleavedProducts {
    /// Rows in a register, one per 32-bit lane.
    static let groupRows = RowInts.scalarCount
    /// Groups unpacked together; each vector's bytes are read once per tile, not per group.
    static let tileGroups = 2
    /// Vectors swept together: their accumulators, the weights and a broadcast fit AVX2's
    /// sixteen registers (AVX-512 has thirty-two).
    static let vectorsPerPass = 4

    /// `y[v · outputStride + r]` = row r of the matrix at `base` · vector v of `vectors`, for
    /// every row and vector.
    static func run<T: InterleavedTile>(
      _: T.Type, base: UnsafeRawPointer, rowBytes: Int, rows: Int, superBlocks: Int,
      vectors: UnsafeBufferPointer<ActivationRow>, into y: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
      let tileRows = tileGroups * groupRows
      let tiles = (rows + tileRows - 1) / tileRows
      Parallel.forRange(tiles, minChunk: 1, rangesPerThread: 8) { range in
        let tile = T(groups: tileGroups, superBlocks: superBlocks)
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
              var results = tile.sweep(group: g, x0, x1, x2, x3)
              let rowStart = first + g * groupRows
              let valid = Swift.min(groupRows, rows - rowStart)
              withUnsafeBytes(of: &results) { results in
                for i in 0..<count {
                  let result = results.load(fromByteOffset: i * MemoryLayout<RowFloats>.stride, as: RowFloats.self)
                  let out = y + (v + i) * outputStride + rowStart
                  if valid == groupRows {
                    UnsafeMutableRawPointer(out).storeBytes(of: result, as: RowFloats.self)
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

    /// Two sub-blocks' ``SuperBlockFormat/productBytes(_:_:)`` into lane `lane` of their 16
    /// steps at `steps` (the first sub-block's eight, then the second's).
    @inline(__always)
    static func store(_ bytes: SIMD16<UInt32>, into steps: UnsafeMutablePointer<RowWords>, lane: Int) {
      for k in 0..<8 {
        steps[k][lane] = bytes.lowHalf[k]
        steps[8 + k][lane] = bytes.highHalf[k]
      }
    }

    /// Four vectors' bytes 4k…4k+3 of sub-block `j` of super-block `b`, each broadcast to
    /// eight lanes, added as byte pair sums (`vpmaddubsw`) with `weights` into `p`'s 16-bit lanes.
    @inline(__always)
    static func step(
      _ weights: RowWords, _ x: (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer),
      offset: Int, _ p: inout (RowShorts, RowShorts, RowShorts, RowShorts)
    ) {
      @inline(__always)
      func one(_ x: UnsafeRawPointer, _ sum: inout RowShorts) {
        let broadcast = RowInts(repeating: x.loadUnaligned(fromByteOffset: offset, as: Int32.self))
        sum &+= unsafeBitCast(ByteDot.pairs(weights, broadcast), to: RowShorts.self)
      }
      one(x.0, &p.0)
      one(x.1, &p.1)
      one(x.2, &p.2)
      one(x.3, &p.3)
    }

    /// `acc` plus each of `p`'s 16-bit pairs times `scales`' (`vpmaddwd`).
    @inline(__always)
    static func scaledAdd(
      _ acc: inout (RowInts, RowInts, RowInts, RowInts),
      _ p: (RowShorts, RowShorts, RowShorts, RowShorts), _ scales: RowInts
    ) {
      acc.0 = ByteDot.scaledAdd(acc.0, unsafeBitCast(p.0, to: RowInts.self), scales)
      acc.1 = ByteDot.scaledAdd(acc.1, unsafeBitCast(p.1, to: RowInts.self), scales)
      acc.2 = ByteDot.scaledAdd(acc.2, unsafeBitCast(p.2, to: RowInts.self), scales)
      acc.3 = ByteDot.scaledAdd(acc.3, unsafeBitCast(p.3, to: RowInts.self), scales)
    }
  }

  /// A format's unpacked rows for ``InterleavedProducts``: `[group][super-block]…` with one
  /// row per 32-bit lane.
  protocol InterleavedTile {
    init(groups: Int, superBlocks: Int)
    func deallocate()
    /// Unpacks the row at `row` into lane `lane` of group `group`.
    func fill(group: Int, lane: Int, row: UnsafeRawPointer)
    /// Group `group` times four vectors: each vector's eight rows' results.
    func sweep(group: Int, _ x0: ActivationRow, _ x1: ActivationRow, _ x2: ActivationRow, _ x3: ActivationRow) -> (
      RowFloats, RowFloats, RowFloats, RowFloats
    )
  }
#endif
