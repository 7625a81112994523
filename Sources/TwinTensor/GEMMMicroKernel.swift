/// The register-blocked heart of every GEMM: a 6 × 2V tile of C, V being the SIMD width.
///
/// `C[i, j] += Σ_p A[i, p] · B̃[p, j]` for i < 6, j < 2V, where B̃ is a packed panel (`p`-major,
/// 2V contiguous floats per `p`). Per step `p` the kernel loads two vectors of B̃ and, for each
/// of the 6 rows, broadcasts `A[i, p]` and issues two FMAs: 12 FMAs on 12 accumulator
/// registers, which cover the FMA latency (4 cycles × 2 pipes = 8 in flight) and leave
/// registers for B̃ and the broadcast.
///
/// V is 16 floats (zmm) where the build machine has AVX-512 (`TWIN_AVX512`, see Package.swift):
/// each FMA then does twice the work of AVX2's, and a 6 × 32 tile measured about 1.8× the
/// 6 × 16 AVX2 tile's GFLOP/s on Zen 5. Elsewhere V is 8 floats (ymm): a 6 × 16 tile that fits
/// AVX2's 16 registers (4 × 24 and 8 × 8 measured no better).
enum MicroTile {
  /// Rows of C per tile (rows of A streamed).
  static let rows = 6
  /// Columns of C per tile: the width of a packed B panel.
  static let cols = 2 * MicroVector.scalarCount
}

#if TWIN_AVX512
  /// The micro-kernel's vector: one zmm register.
  typealias MicroVector = SIMD16<Float>
#else
  /// The micro-kernel's vector: one ymm register.
  typealias MicroVector = SIMD8<Float>
#endif

/// The six row pointers into A a tile reads. Rows past the end of A repeat the last real row, so
/// the kernel never reads out of bounds and never needs a padded copy of A; their results are
/// simply not stored.
struct TileRows {
  var r0, r1, r2, r3, r4, r5: UnsafePointer<Float>

  /// Rows `0..<count` of the matrix at `a` with leading dimension `lda`, padded by repetition.
  @inline(__always)
  init(_ a: UnsafePointer<Float>, lda: Int, count: Int) {
    let last = count - 1
    r0 = a
    r1 = a + min(1, last) * lda
    r2 = a + min(2, last) * lda
    r3 = a + min(3, last) * lda
    r4 = a + min(4, last) * lda
    r5 = a + min(5, last) * lda
  }
}

/// How a finished tile of accumulators is written to C.
struct TileEpilogue {
  /// Multiplies the product (attention's 1/√d).
  var alpha: Float
  /// Adds the tile to what C holds instead of overwriting it (later k-blocks, or the caller's
  /// `accumulate`).
  var accumulate: Bool
  /// Sixteen values added to every row (a linear layer's bias), or nil.
  var bias: UnsafePointer<Float>?
}

/// Computes one full 6 × ``MicroTile/cols`` tile: `C = α · A·B̃ (+ bias) (+ C)` over `depth` steps.
///
/// `b` points at the panel's first used step; `c` at the tile's top-left element, with leading
/// dimension `ldc`. Every element of the tile is written, so edge tiles go through a scratch tile.
@inline(never)
func microKernel(
  depth: Int, a: TileRows, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
  epilogue: TileEpilogue
) {
  typealias V = MicroVector
  let stride = MemoryLayout<V>.size
  let a0 = a.r0
  let a1 = a.r1
  let a2 = a.r2
  let a3 = a.r3
  let a4 = a.r4
  let a5 = a.r5
  let panel = UnsafeRawPointer(b)
  var c00 = V()
  var c01 = V()
  var c10 = V()
  var c11 = V()
  var c20 = V()
  var c21 = V()
  var c30 = V()
  var c31 = V()
  var c40 = V()
  var c41 = V()
  var c50 = V()
  var c51 = V()
  var p = 0
  while p < depth {
    let b0 = panel.loadUnaligned(fromByteOffset: p &* (2 &* stride), as: V.self)
    let b1 = panel.loadUnaligned(fromByteOffset: p &* (2 &* stride) &+ stride, as: V.self)
    let x0 = V(repeating: a0[p])
    c00 = c00.addingProduct(x0, b0)
    c01 = c01.addingProduct(x0, b1)
    let x1 = V(repeating: a1[p])
    c10 = c10.addingProduct(x1, b0)
    c11 = c11.addingProduct(x1, b1)
    let x2 = V(repeating: a2[p])
    c20 = c20.addingProduct(x2, b0)
    c21 = c21.addingProduct(x2, b1)
    let x3 = V(repeating: a3[p])
    c30 = c30.addingProduct(x3, b0)
    c31 = c31.addingProduct(x3, b1)
    let x4 = V(repeating: a4[p])
    c40 = c40.addingProduct(x4, b0)
    c41 = c41.addingProduct(x4, b1)
    let x5 = V(repeating: a5[p])
    c50 = c50.addingProduct(x5, b0)
    c51 = c51.addingProduct(x5, b1)
    p &+= 1
  }

  // Epilogue: scale, then add bias and/or the old C. Runs once per `depth` steps, so its cost
  // (a few dozen vector ops) is noise next to the 12 · depth FMAs above.
  let alpha = V(repeating: epilogue.alpha)
  var bias0 = V()
  var bias1 = V()
  if let bias = epilogue.bias {
    bias0 = UnsafeRawPointer(bias).loadUnaligned(as: V.self)
    bias1 = UnsafeRawPointer(bias).loadUnaligned(fromByteOffset: stride, as: V.self)
  }
  let accumulate = epilogue.accumulate
  @inline(__always) func store(_ row: Int, _ lo: V, _ hi: V) {
    let out = UnsafeMutableRawPointer(c + row &* ldc)
    var vlo = bias0.addingProduct(lo, alpha)
    var vhi = bias1.addingProduct(hi, alpha)
    if accumulate {
      vlo += out.loadUnaligned(as: V.self)
      vhi += out.loadUnaligned(fromByteOffset: stride, as: V.self)
    }
    out.storeBytes(of: vlo, as: V.self)
    out.storeBytes(of: vhi, toByteOffset: stride, as: V.self)
  }
  store(0, c00, c01)
  store(1, c10, c11)
  store(2, c20, c21)
  store(3, c30, c31)
  store(4, c40, c41)
  store(5, c50, c51)
}
