import Foundation
import TwinTensor

/// Grouped-query causal self-attention over packed sequences.
///
/// For query head `h` and its key/value head `g = h / (H / G)`, over rows `T`:
///
///     S = c · Q_h K_gᵀ,  P = softmax(S) over keys j with start(i) ≤ j ≤ i,  O_h = P V_g
///
/// where `start(i)` is the first row of row `i`'s sample, so packed samples never see each
/// other. Backward, for `∂O_h`:
///
///     ∂P = ∂O_h V_gᵀ,   ∂V_g += Pᵀ ∂O_h
///     ∂S = P ⊙ (∂P − rowsum(∂P ⊙ P))
///     ∂Q_h = c · ∂S K_g,   ∂K_g += c · ∂Sᵀ Q_h
public struct CausalSelfAttention: Sendable {
  /// Query heads.
  public let heads: Int
  /// Key/value heads; `heads` is a multiple.
  public let kvHeads: Int
  /// Elements per head.
  public let headDimension: Int

  /// Attention with `heads` query heads sharing `kvHeads` key/value heads.
  public init(heads: Int, kvHeads: Int, headDimension: Int) {
    precondition(heads % kvHeads == 0, "query heads must be a multiple of key/value heads")
    self.heads = heads
    self.kvHeads = kvHeads
    self.headDimension = headDimension
  }

  /// `1/√d`, the scores' scale.
  public var scale: Float { 1 / Float(headDimension).squareRoot() }

  /// Writes the attention output into `out` (`T × heads·d`) and returns the probabilities,
  /// `heads` blocks of `T × T`.
  public func forward(queries q: Tensor, keys k: Tensor, values v: Tensor, starts: [Int], into out: Tensor) -> Tensor {
    let t = q.rows
    let d = headDimension
    let group = heads / kvHeads
    let probabilities = Tensor(rows: heads * t, cols: t)
    for h in 0..<heads {
      let g = h / group
      let p = probabilities.row(h * t)
      Kernels.gemmNT(
        m: t, n: t, k: d, a: q.data + h * d, lda: q.cols, b: k.data + g * d, ldb: k.cols, c: p, ldc: t, alpha: scale)
      for i in 0..<t { Self.softmaxRow(p + i * t, from: starts[i], through: i, count: t) }
      Kernels.gemmNN(
        m: t, n: d, k: t, a: p, lda: t, b: v.data + g * d, ldb: v.cols, c: out.data + h * d, ldc: out.cols)
    }
    return probabilities
  }

  /// Writes `∂Q` into `dq` and `∂K`, `∂V` into `dk`, `dv` (all overwritten).
  public func backward(
    _ dOut: Tensor, queries q: Tensor, keys k: Tensor, values v: Tensor, probabilities: Tensor, starts: [Int],
    dq: Tensor, dk: Tensor, dv: Tensor
  ) {
    let t = q.rows
    let d = headDimension
    let group = heads / kvHeads
    dk.zero()
    dv.zero()
    let dp = Tensor(rows: t, cols: t)
    for h in 0..<heads {
      let g = h / group
      let p = probabilities.row(h * t)
      Kernels.gemmNT(
        m: t, n: t, k: d, a: dOut.data + h * d, lda: dOut.cols, b: v.data + g * d, ldb: v.cols, c: dp.data, ldc: t)
      Kernels.gemmTN(
        m: t, n: d, k: t, a: p, lda: t, b: dOut.data + h * d, ldb: dOut.cols, c: dv.data + g * d, ldc: dv.cols,
        accumulate: true)
      for i in 0..<t {
        let (pr, dr) = (p + i * t, dp.row(i))
        let lo = starts[i]
        var dot: Float = 0
        for j in lo...i { dot += pr[j] * dr[j] }
        for j in 0..<t { dr[j] = (lo...i).contains(j) ? pr[j] * (dr[j] - dot) : 0 }
      }
      Kernels.gemmNN(
        m: t, n: d, k: t, a: dp.data, lda: t, b: k.data + g * d, ldb: k.cols, c: dq.data + h * d, ldc: dq.cols,
        alpha: scale)
      Kernels.gemmTN(
        m: t, n: d, k: t, a: dp.data, lda: t, b: q.data + h * d, ldb: q.cols, c: dk.data + g * d, ldc: dk.cols,
        alpha: scale, accumulate: true)
    }
  }

  /// Softmax of `row[from…through]`; every other element of the `count` becomes 0.
  static func softmaxRow(_ row: UnsafeMutablePointer<Float>, from lo: Int, through hi: Int, count: Int) {
    var m = -Float.infinity
    for j in lo...hi { m = max(m, row[j]) }
    var sum: Float = 0
    for j in lo...hi {
      let e = expf(row[j] - m)
      row[j] = e
      sum += e
    }
    let inv = 1 / sum
    for j in 0..<count { row[j] = (lo...hi).contains(j) ? row[j] * inv : 0 }
  }
}
