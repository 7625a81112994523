/// General matrix products (GEMM) on row-major `Float` matrices.
extension Kernels {
  /// `C[m × n] = A[m × k] · Bᵀ + bias` (or `C += …` when `accumulate`), with B prepacked.
  ///
  /// This is PyTorch's `nn.Linear` (`y = x · Wᵀ + b`) with `W = B [n × k]` packed once as a
  /// ``PackedMatrix``; `n` and `k` come from it. Runs on all ``Parallel/threadCount`` threads
  /// when the product is large enough.
  ///
  /// - Parameters:
  ///   - a: A, `m` rows of `packed.cols` floats, rows `lda` apart (default `packed.cols`).
  ///   - m: Rows of A and C.
  ///   - packed: B `[n × k]`, packed.
  ///   - c: C, `m` rows of `packed.rows` floats, rows `ldc` apart (default `packed.rows`). Must not
  ///     overlap A.
  ///   - bias: `n` floats added to every row of C, or nil.
  ///   - accumulate: Add the product (and bias) to C's current contents instead of overwriting.
  public static func gemm(
    _ a: UnsafePointer<Float>, rows m: Int, lda: Int? = nil, packed: PackedMatrix,
    into c: UnsafeMutablePointer<Float>, ldc: Int? = nil, bias: UnsafePointer<Float>?,
    accumulate: Bool = false
  ) {
    let lda = lda ?? packed.cols
    let ldc = ldc ?? packed.rows
    precondition(m >= 0, "negative row count")
    precondition(lda >= packed.cols && ldc >= packed.rows, "leading dimension shorter than a row")
    GEMMDriver.run(
      GEMMOperands(
        m: m, n: packed.rows, k: packed.cols, a: a, lda: lda, panels: packed.panels, c: c, ldc: ldc,
        accumulate: accumulate, bias: bias))
  }

  /// `C[m × n] = α · A[m × k] · Bᵀ` (or `C += …`), B given row-major as `[n × k]`.
  ///
  /// Attention scores `Q · Kᵀ / √d` for one head: Q and K are `[tokens × d]` views inside the
  /// `[tokens × hidden]` projections, so `lda`/`ldb` are the hidden size and no copy is made.
  /// B is packed into a temporary per call, which costs `n · k` moves against `2 m n k` FLOPs.
  ///
  /// - Parameters:
  ///   - m, n, k: The product's shape.
  ///   - a: A, rows `lda ≥ k` apart.
  ///   - b: B `[n × k]`, rows `ldb ≥ k` apart.
  ///   - c: C, rows `ldc ≥ n` apart; must not overlap A or B.
  ///   - alpha: Scale applied to the product.
  ///   - accumulate: Add to C's contents instead of overwriting.
  public static func gemmNT(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, accumulate: Bool = false
  ) {
    precondition(m >= 0 && n >= 0 && k >= 0, "negative shape")
    precondition(lda >= k && ldb >= k && ldc >= n, "leading dimension shorter than a row")
    guard m > 0, n > 0 else { return }
    withPanels(columns: n, depth: k) { panels in
      PanelPacking.packRowsAsColumns(b, ldb: ldb, columns: n, depth: k, into: panels)
      GEMMDriver.run(
        GEMMOperands(
          m: m, n: n, k: k, a: a, lda: lda, panels: panels, c: c, ldc: ldc, alpha: alpha,
          accumulate: accumulate))
    }
  }

  /// `C[m × n] = α · A[m × k] · B[k × n]` (or `C += …`), B given row-major.
  ///
  /// Attention output `P · V` for one head: P is the `[tokens × tokens]` probabilities and V a
  /// `[tokens × d]` view inside the value projection (`ldb` = hidden size); C can be the head's
  /// columns of the `[tokens × hidden]` context (`ldc` = hidden size).
  ///
  /// - Parameters:
  ///   - m, n, k: The product's shape.
  ///   - a: A, rows `lda ≥ k` apart.
  ///   - b: B `[k × n]`, rows `ldb ≥ n` apart.
  ///   - c: C, rows `ldc ≥ n` apart; must not overlap A or B.
  ///   - alpha: Scale applied to the product.
  ///   - accumulate: Add to C's contents instead of overwriting.
  public static func gemmNN(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, accumulate: Bool = false
  ) {
    precondition(m >= 0 && n >= 0 && k >= 0, "negative shape")
    precondition(lda >= k && ldb >= n && ldc >= n, "leading dimension shorter than a row")
    guard m > 0, n > 0 else { return }
    withPanels(columns: n, depth: k) { panels in
      PanelPacking.packRowsAsSteps(b, ldb: ldb, columns: n, depth: k, into: panels)
      GEMMDriver.run(
        GEMMOperands(
          m: m, n: n, k: k, a: a, lda: lda, panels: panels, c: c, ldc: ldc, alpha: alpha,
          accumulate: accumulate))
    }
  }

  /// `x · Wᵀ + bias` for a batch of rows `x [m × k]` and packed weights `W [n × k]`.
  public static func linear(_ x: Matrix, _ weights: PackedMatrix, bias: [Float]? = nil) -> Matrix {
    precondition(
      x.cols == weights.cols, "input has \(x.cols) features, weights expect \(weights.cols)")
    precondition(
      bias == nil || bias!.count == weights.rows, "bias length must equal output features")
    var out = Matrix(rows: x.rows, cols: weights.rows)
    x.withUnsafeBufferPointer { xs in
      out.withUnsafeMutableBufferPointer { cs in
        withOptionalPointer(bias) { b in
          gemm(xs.nonEmptyBase, rows: x.rows, packed: weights, into: cs.nonEmptyBase, bias: b)
        }
      }
    }
    return out
  }

  /// `α · A · B` for ``Matrix`` operands (`A [m × k]`, `B [k × n]`).
  public static func matmul(_ a: Matrix, _ b: Matrix, alpha: Float = 1) -> Matrix {
    precondition(a.cols == b.rows, "inner dimensions differ: \(a.cols) vs \(b.rows)")
    var out = Matrix(rows: a.rows, cols: b.cols)
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        out.withUnsafeMutableBufferPointer { cp in
          gemmNN(
            m: a.rows, n: b.cols, k: a.cols, a: ap.nonEmptyBase, lda: a.cols, b: bp.nonEmptyBase,
            ldb: b.cols,
            c: cp.nonEmptyBase, ldc: b.cols, alpha: alpha)
        }
      }
    }
    return out
  }

  /// `α · A · Bᵀ` for ``Matrix`` operands (`A [m × k]`, `B [n × k]`).
  public static func matmul(_ a: Matrix, transposing b: Matrix, alpha: Float = 1) -> Matrix {
    precondition(a.cols == b.cols, "inner dimensions differ: \(a.cols) vs \(b.cols)")
    var out = Matrix(rows: a.rows, cols: b.rows)
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        out.withUnsafeMutableBufferPointer { cp in
          gemmNT(
            m: a.rows, n: b.rows, k: a.cols, a: ap.nonEmptyBase, lda: a.cols, b: bp.nonEmptyBase,
            ldb: b.cols,
            c: cp.nonEmptyBase, ldc: b.rows, alpha: alpha)
        }
      }
    }
    return out
  }

  /// Runs `body` with 64-byte-aligned temporary space for packed panels.
  private static func withPanels(
    columns: Int, depth: Int, _ body: (UnsafeMutablePointer<Float>) -> Void
  ) {
    let count = max(PanelPacking.capacity(columns: columns, depth: depth), 1)
    withUnsafeTemporaryAllocation(byteCount: count * MemoryLayout<Float>.stride, alignment: 64) {
      raw in
      body(raw.baseAddress!.bindMemory(to: Float.self, capacity: count))
    }
  }
}
