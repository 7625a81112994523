/// Cache blocking and threading around the micro-kernel.
///
/// Loop nest (per thread, over its share of rows or of panels), after Goto & van de Geijn:
///
///     for each row block i0 ..< i0+mc            (mc = 48 rows of A, ≤ 72 KB: stays in L2)
///       for each depth block p0 ..< p0+kc        (kc ≤ 384)
///         for each panel j                       (its kc × 16 slice, ≤ 24 KB, enters L1 once…)
///           for each 6-row tile i in the block   (…and every row tile of the block reuses it)
///             C[i, j] (+)= α · A[i, p0..] · B̃[p0.., j]
///
/// Depth blocks sit inside row blocks so that when k needs several passes, the C block they
/// revisit (48 rows) is still in L2 rather than evicted by a sweep over all of C. The first depth
/// block writes C (adding the bias, or the caller's C when accumulating); later ones add to it.
/// A is read in place through its leading dimension — no packed copy — since the six rows of a
/// tile are six sequential streams the prefetcher follows; packing A measured no faster here.
struct GEMMOperands {
  var m: Int
  var n: Int
  var k: Int
  var a: UnsafePointer<Float>
  var lda: Int
  /// Packed B: panel `j` starts at `j · k · 16`.
  var panels: UnsafePointer<Float>
  var c: UnsafeMutablePointer<Float>
  var ldc: Int
  var alpha: Float = 1
  var accumulate = false
  /// `n` floats added to every row, or nil.
  var bias: UnsafePointer<Float>? = nil
}

enum GEMMDriver {
  /// Depth block: at most this many steps per pass, so a panel slice (kc × 64 bytes, 24 KB)
  /// stays in L1 next to the A rows of one tile. BERT's k = 384 is then a single pass (C is
  /// written once, never re-read); k = 1536 takes four.
  static let maxDepthBlock = 384
  /// Row block: rows of A kept in L2 while all panels stream past (48 × 384 × 4 = 72 KB).
  /// Measured flat between 24 and 96 rows on this machine (±3%, within noise).
  static let rowBlock = 48
  /// Below about this many FLOPs a product runs on one thread (≈ 20 µs of work): thread
  /// hand-off costs a few microseconds.
  static let minParallelFlops = 4_000_000

  /// Computes the product described by `op`, on all ``Parallel/threadCount`` threads when it
  /// is big enough.
  static func run(_ op: GEMMOperands) {
    guard op.m > 0, op.n > 0 else { return }
    guard op.k > 0 else { return writeEmptyProduct(op) }
    let flops = 2 * op.m * op.n * op.k
    let rowTiles = (op.m + MicroTile.rows - 1) / MicroTile.rows
    let panelCount = PanelPacking.panelCount(op.n)
    let threads = Parallel.threadCount
    if flops < minParallelFlops || threads == 1 {
      return block(op, rows: 0..<op.m, panels: 0..<panelCount)
    }
    // Each range should be worth ≳ 1 MFLOP. Prefer splitting rows (each thread then reads
    // only its own A); when there are too few row tiles, split the panels instead.
    let flopsPerRowTile = 2 * MicroTile.rows * op.n * op.k
    if rowTiles >= 2 * threads {
      Parallel.forRange(rowTiles, minChunk: max(1, 1_000_000 / flopsPerRowTile)) { tiles in
        block(
          op,
          rows: (tiles.lowerBound * MicroTile.rows)..<min(op.m, tiles.upperBound * MicroTile.rows),
          panels: 0..<panelCount)
      }
    } else {
      let flopsPerPanel = 2 * op.m * MicroTile.cols * op.k
      Parallel.forRange(panelCount, minChunk: max(1, 1_000_000 / flopsPerPanel)) { panels in
        block(op, rows: 0..<op.m, panels: panels)
      }
    }
  }

  /// The blocked loop nest for one thread's share: `rows` of C and the columns of `panels`.
  static func block(_ op: GEMMOperands, rows: Range<Int>, panels: Range<Int>) {
    let width = MicroTile.cols
    let height = MicroTile.rows
    // Split k into equal blocks of at most `maxDepthBlock` (e.g. 400 → 2 × 200, not 384 + 16).
    let depthBlocks = (op.k + maxDepthBlock - 1) / maxDepthBlock
    let kc0 = (op.k + depthBlocks - 1) / depthBlocks
    withUnsafeTemporaryAllocation(of: Float.self, capacity: height * width) { scratch in
      let tile = scratch.baseAddress!
      var i0 = rows.lowerBound
      while i0 < rows.upperBound {
        let mc = min(rowBlock, rows.upperBound - i0)
        var p0 = 0
        while p0 < op.k {
          let kc = min(kc0, op.k - p0)
          let first = p0 == 0
          for j in panels {
            let panel = op.panels + j * op.k * width + p0 * width
            let j0 = j * width
            let nc = min(width, op.n - j0)
            var epilogue = TileEpilogue(
              alpha: op.alpha, accumulate: !first || op.accumulate,
              bias: first ? op.bias.map { $0 + j0 } : nil)
            var i = i0
            while i < i0 + mc {
              let mr = min(height, i0 + mc - i)
              let a = TileRows(op.a + i * op.lda + p0, lda: op.lda, count: mr)
              let c = op.c + i * op.ldc + j0
              if mr == height && nc == width {
                microKernel(depth: kc, a: a, b: panel, c: c, ldc: op.ldc, epilogue: epilogue)
              } else {
                // Edge tile: compute the whole tile into scratch, then merge the live part.
                epilogue.accumulate = false
                let bias = epilogue.bias
                epilogue.bias = nil
                microKernel(depth: kc, a: a, b: panel, c: tile, ldc: width, epilogue: epilogue)
                let add = !first || op.accumulate
                for r in 0..<mr {
                  for col in 0..<nc {
                    var value = tile[r * width + col]
                    if let bias { value += bias[col] }
                    if add { value += c[r * op.ldc + col] }
                    c[r * op.ldc + col] = value
                  }
                }
                epilogue.accumulate = add
                epilogue.bias = bias
              }
              i += height
            }
          }
          p0 += kc
        }
        i0 += mc
      }
    }
  }

  /// k = 0: the product is empty, so C becomes bias (or 0), plus C when accumulating.
  private static func writeEmptyProduct(_ op: GEMMOperands) {
    for i in 0..<op.m {
      for j in 0..<op.n {
        let base = op.bias?[j] ?? 0
        op.c[i * op.ldc + j] = op.accumulate ? op.c[i * op.ldc + j] + base : base
      }
    }
  }
}
