/// A weight matrix `B [n × k]` (PyTorch `nn.Linear` layout: `[out_features, in_features]`)
/// rearranged once, at model load, into the panel layout the GEMM micro-kernel streams.
///
/// Use it with ``Kernels/gemm(_:rows:lda:packed:into:ldc:bias:accumulate:)`` to compute
/// `C = A · Bᵀ + bias`. Packing costs one pass over the weights; every later product skips it.
/// The storage is immutable and shared between copies, so the value is cheap to pass around
/// and safe to use from several threads at once.
public struct PackedMatrix: Sendable {
  /// Rows of the source B: output features, the `n` of the product.
  public let rows: Int
  /// Columns of the source B: input features, the `k` of the product.
  public let cols: Int
  let storage: AlignedBuffer

  /// Packs `rows × cols` row-major floats at `b`, whose rows are `rowStride` floats apart
  /// (default `cols`).
  public init(_ b: UnsafePointer<Float>, rows: Int, cols: Int, rowStride: Int? = nil) {
    precondition(rows >= 0 && cols >= 0, "negative matrix shape")
    let ldb = rowStride ?? cols
    precondition(ldb >= cols, "row stride shorter than a row")
    self.rows = rows
    self.cols = cols
    storage = AlignedBuffer(count: PanelPacking.capacity(columns: rows, depth: cols))
    let out = storage.base
    // Large weights pack in parallel, one range of panels per thread.
    Parallel.forRange(
      PanelPacking.panelCount(rows), minChunk: max(1, 65_536 / max(cols * MicroTile.cols, 1))
    ) {
      PanelPacking.packRowsAsColumns(b, ldb: ldb, columns: rows, depth: cols, panels: $0, into: out)
    }
  }

  /// Packs a ``Matrix`` holding B `[n × k]`.
  public init(_ matrix: Matrix) {
    self = matrix.withUnsafeBufferPointer { buffer in
      PackedMatrix(buffer.nonEmptyBase, rows: matrix.rows, cols: matrix.cols)
    }
  }

  /// The packed panels: panel `j` (output columns `16j..<16j+16`) starts at `j · cols · 16`.
  var panels: UnsafePointer<Float> { UnsafePointer(storage.base) }
}
