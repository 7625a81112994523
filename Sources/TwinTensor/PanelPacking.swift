/// Packing B into the panel layout the micro-kernel streams.
///
/// A packed matrix is a sequence of panels, one per 16 output columns (the last one zero-padded).
/// Panel `j` holds `depth × 16` floats, step `p` first: element `(p, r)` is `B̃ᵀ[p, 16j + r]`.
/// The kernel then reads 64 contiguous bytes per step — two aligned vectors — whatever the
/// source layout was, and a 384-step slice of a panel (24 KB) stays in L1 while every row tile
/// of a block of A streams past it.
enum PanelPacking {
  /// Floats needed for `columns` output columns over `depth` steps.
  static func capacity(columns: Int, depth: Int) -> Int {
    panelCount(columns) * depth * MicroTile.cols
  }

  /// Number of 16-wide panels covering `columns`.
  static func panelCount(_ columns: Int) -> Int {
    (columns + MicroTile.cols - 1) / MicroTile.cols
  }

  /// Packs B given as `[columns × depth]` (row `r` = output column `r`; PyTorch `nn.Linear`
  /// weights, or K in Q·Kᵀ) into `panels`, which must hold `capacity(columns:depth:)` floats.
  /// Padding lanes are written as zeros.
  static func packRowsAsColumns(
    _ b: UnsafePointer<Float>, ldb: Int, columns: Int, depth: Int, panels range: Range<Int>? = nil,
    into out: UnsafeMutablePointer<Float>
  ) {
    let width = MicroTile.cols
    for j in range ?? 0..<panelCount(columns) {
      let panel = out + j * depth * width
      let live = min(width, columns - j * width)
      // Transpose 16 rows of B into the panel. Reads stream along each row; the strided
      // writes land in a panel small enough to stay in cache.
      for r in 0..<live {
        let src = b + (j * width + r) * ldb
        for p in 0..<depth { panel[p * width + r] = src[p] }
      }
      if live < width {
        for p in 0..<depth {
          for r in live..<width { panel[p * width + r] = 0 }
        }
      }
    }
  }

  /// Packs B given as `[depth × columns]` (row `p` = step `p`; V in P·V) into `out`.
  static func packRowsAsSteps(
    _ b: UnsafePointer<Float>, ldb: Int, columns: Int, depth: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    let width = MicroTile.cols
    for j in 0..<panelCount(columns) {
      let panel = out + j * depth * width
      let live = min(width, columns - j * width)
      for p in 0..<depth {
        let src = b + p * ldb + j * width
        let dst = panel + p * width
        if live == width {
          dst.update(from: src, count: width)
        } else {
          dst.update(from: src, count: live)
          (dst + live).update(repeating: 0, count: width - live)
        }
      }
    }
  }
}
