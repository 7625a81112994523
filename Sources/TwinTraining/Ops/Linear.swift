import TwinTensor

/// A frozen linear layer with an optional low-rank adapter:
///
///     y = x Wᵀ + b + s · (x̃ Aᵀ) Bᵀ        x̃ = dropout(x),  s = α / r
///
/// with `W [out × in]` and `b` frozen, and `A [r × in]`, `B [out × r]` trained. Backward, for
/// the upstream gradient `∂y [T × out]`:
///
///     u  = x̃ Aᵀ                  (saved by the forward pass, [T × r])
///     ∂B += s · ∂yᵀ u            ([out × r])
///     g  = s · ∂y B              ([T × r])
///     ∂A += gᵀ x̃                 ([r × in])
///     ∂x += ∂y W + (g A) ⊙ mask  ([T × in]; the mask is dropout's keep-and-rescale factor)
public enum Linear {
  /// What the forward pass keeps for the backward pass of one adapted projection.
  public struct Saved: @unchecked Sendable {
    /// `u = x̃ Aᵀ`, `[T × r]`.
    public var down: Tensor
    /// `x̃`, the input after dropout, or nil when there is no dropout (then `x̃ = x`).
    public var dropped: Tensor?
  }

  /// `y = x Wᵀ + b (+ s · x̃ Aᵀ Bᵀ)`; returns what backward needs when there is an adapter.
  public static func forward(
    _ x: Tensor, weight: Tensor, bias: [Float]?, adapter: LoRAPair?, dropout: Dropout?, into y: Tensor
  ) -> Saved? {
    let t = x.rows
    precondition(x.cols == weight.cols && y.rows == t && y.cols == weight.rows, "linear shapes")
    Kernels.gemmNT(
      m: t, n: weight.rows, k: weight.cols, a: x.data, lda: x.cols, b: weight.data, ldb: weight.cols, c: y.data,
      ldc: y.cols)
    if let bias {
      bias.withUnsafeBufferPointer { b in
        for r in 0..<t { Kernels.add(y.row(r), b.baseAddress!, into: y.row(r), count: y.cols) }
      }
    }
    guard let adapter else { return nil }
    let dropped = dropout.map { $0.apply(to: x) }
    let input = dropped ?? x
    let down = Tensor(rows: t, cols: adapter.rank)
    Kernels.gemmNT(
      m: t, n: adapter.rank, k: x.cols, a: input.data, lda: input.cols, b: adapter.a.data, ldb: adapter.a.cols,
      c: down.data, ldc: down.cols)
    Kernels.gemmNT(
      m: t, n: y.cols, k: adapter.rank, a: down.data, lda: down.cols, b: adapter.b.data, ldb: adapter.b.cols,
      c: y.data, ldc: y.cols, alpha: adapter.scale, accumulate: true)
    return Saved(down: down, dropped: dropped)
  }

  /// Adds `∂y W` (and the adapter's share) to `dx`, and the adapter's gradients to its `∂A`, `∂B`.
  public static func backward(
    _ dy: Tensor, input x: Tensor, weight: Tensor, adapter: LoRAPair?, saved: Saved?, dropout: Dropout?,
    into dx: Tensor
  ) {
    let t = dy.rows
    Kernels.gemmNN(
      m: t, n: weight.cols, k: weight.rows, a: dy.data, lda: dy.cols, b: weight.data, ldb: weight.cols, c: dx.data,
      ldc: dx.cols, accumulate: true)
    guard let adapter, let saved else { return }
    let r = adapter.rank
    // ∂Bᵀ = s · uᵀ ∂y, [r × out]: the product transposes u (T × r) rather than ∂y (T × out).
    let gradBT = Tensor(rows: r, cols: dy.cols)
    Kernels.gemmTN(
      m: r, n: dy.cols, k: t, a: saved.down.data, lda: r, b: dy.data, ldb: dy.cols, c: gradBT.data, ldc: dy.cols,
      alpha: adapter.scale)
    for o in 0..<dy.cols {
      let row = adapter.gradB.row(o)
      for j in 0..<r { row[j] += gradBT[j, o] }
    }
    let g = Tensor(rows: t, cols: r)
    Kernels.gemmNN(
      m: t, n: r, k: dy.cols, a: dy.data, lda: dy.cols, b: adapter.b.data, ldb: r, c: g.data, ldc: r,
      alpha: adapter.scale)
    let input = saved.dropped ?? x
    Kernels.gemmTN(
      m: r, n: x.cols, k: t, a: g.data, lda: r, b: input.data, ldb: input.cols, c: adapter.gradA.data,
      ldc: adapter.gradA.cols, accumulate: true)
    if let dropout {
      let through = Tensor(rows: t, cols: x.cols)
      Kernels.gemmNN(
        m: t, n: x.cols, k: r, a: g.data, lda: r, b: adapter.a.data, ldb: x.cols, c: through.data, ldc: x.cols)
      dropout.backward(through)
      dx.add(through)
    } else {
      Kernels.gemmNN(
        m: t, n: x.cols, k: r, a: g.data, lda: r, b: adapter.a.data, ldb: x.cols, c: dx.data, ldc: dx.cols,
        accumulate: true)
    }
  }
}
