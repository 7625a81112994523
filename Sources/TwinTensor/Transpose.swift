/// Transposition and the product that needs it (`Aᵀ · B`), for backward passes.
extension Kernels {
  /// `dst[c, r] = src[r, c]` for a `rows × cols` source.
  ///
  /// Works in 32 × 32 tiles so that both the reads and the writes stay within a few cache lines
  /// per row; tiles of rows are shared among the threads.
  ///
  /// - Parameters:
  ///   - src: The source, rows `lds ≥ cols` apart.
  ///   - dst: The destination (`cols` rows of `rows` floats), rows `ldd ≥ rows` apart; must not
  ///     overlap the source.
  public static func transpose(
    _ src: UnsafePointer<Float>, rows: Int, cols: Int, lds: Int, into dst: UnsafeMutablePointer<Float>, ldd: Int
  ) {
    precondition(rows >= 0 && cols >= 0 && lds >= cols && ldd >= rows, "bad shape or stride")
    let tile = 32
    let tiles = (rows + tile - 1) / tile
    Parallel.forRange(tiles, minChunk: max(1, 65_536 / max(cols * tile, 1))) { range in
      for t in range {
        let r0 = t * tile
        let r1 = min(r0 + tile, rows)
        var c0 = 0
        while c0 < cols {
          let c1 = min(c0 + tile, cols)
          for r in r0..<r1 {
            let s = src + r * lds
            for c in c0..<c1 { dst[c * ldd + r] = s[c] }
          }
          c0 = c1
        }
      }
    }
  }

  /// `C[m × n] = α · Aᵀ · B` (or `C += …`), with A given row-major as `[k × m]` and B as `[k × n]`.
  ///
  /// Weight gradients have this shape: `∂W = ∂Yᵀ · X` sums over the tokens, which index the rows
  /// of both operands. A is transposed into a temporary (`k · m` moves against `2 m n k` FLOPs)
  /// and the product handed to ``gemmNN(m:n:k:a:lda:b:ldb:c:ldc:alpha:accumulate:)``.
  ///
  /// - Parameters:
  ///   - m, n, k: The product's shape.
  ///   - a: A `[k × m]`, rows `lda ≥ m` apart.
  ///   - b: B `[k × n]`, rows `ldb ≥ n` apart.
  ///   - c: C, rows `ldc ≥ n` apart; must not overlap A or B.
  ///   - alpha: Scale applied to the product.
  ///   - accumulate: Add to C's contents instead of overwriting.
  public static func gemmTN(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, accumulate: Bool = false
  ) {
    precondition(m >= 0 && n >= 0 && k >= 0, "negative shape")
    precondition(lda >= m && ldb >= n && ldc >= n, "leading dimension shorter than a row")
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
      if !accumulate { for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) } }
      return
    }
    let transposed = AlignedBuffer(count: m * k)
    transpose(a, rows: k, cols: m, lds: lda, into: transposed.base, ldd: k)
    gemmNN(
      m: m, n: n, k: k, a: transposed.base, lda: k, b: b, ldb: ldb, c: c, ldc: ldc, alpha: alpha,
      accumulate: accumulate)
  }
}
