import Foundation
import TwinTensor

/// Grouped-query causal self-attention over packed sequences.
///
/// For query head `h` and its key/value head `g = h / (H / G)`, over rows `T`:
///
///     S = c · Q_h K_gᵀ,  P = softmax(S) over keys j with start(i) ≤ j ≤ i,  O_h = P V_g
///
/// where `start(i)` is the first row of row `i`'s sample, so packed samples never see each
/// other (each sample's block is computed alone). Backward, for `∂O_h`:
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

  /// Writes the attention output into `out` (`T × heads·d`) and returns the probabilities.
  ///
  /// Rows form segments (`starts`: each row's first row, segments contiguous), and only a
  /// segment's own `n × n` block of scores is computed: the probabilities hold, per segment of
  /// `n` rows starting at row `s`, `heads` blocks of `n × n` from offset `heads · Σ earlier n²`.
  public func forward(queries q: Tensor, keys k: Tensor, values v: Tensor, starts: [Int], into out: Tensor) -> Tensor {
    let segments = Self.segments(starts)
    let probabilities = Tensor(rows: 1, cols: heads * segments.reduce(0) { $0 + $1.count * $1.count })
    var offset = 0
    for (s, n) in segments {
      forward(segment: s, rows: n, q, k, v, probabilities: probabilities.data + offset, into: out)
      offset += heads * n * n
    }
    return probabilities
  }

  private func forward(
    segment s: Int, rows t: Int, _ q: Tensor, _ k: Tensor, _ v: Tensor, probabilities: UnsafeMutablePointer<Float>,
    into out: Tensor
  ) {
    let d = headDimension
    let group = heads / kvHeads
    for h in 0..<heads {
      let g = h / group
      let p = probabilities + h * t * t
      Kernels.gemmNT(
        m: t, n: t, k: d, a: q.row(s) + h * d, lda: q.cols, b: k.row(s) + g * d, ldb: k.cols, c: p, ldc: t, alpha: scale)
      for i in 0..<t { Self.softmaxRow(p + i * t, from: 0, through: i, count: t) }
      Kernels.gemmNN(
        m: t, n: d, k: t, a: p, lda: t, b: v.row(s) + g * d, ldb: v.cols, c: out.row(s) + h * d, ldc: out.cols)
    }
  }

  /// `(first row, rows)` of each segment of `starts`.
  static func segments(_ starts: [Int]) -> [(start: Int, count: Int)] {
    var out: [(start: Int, count: Int)] = []
    for (row, start) in starts.enumerated() {
      if row == start || out.isEmpty { out.append((row, 1)) } else { out[out.count - 1].count += 1 }
    }
    return out
  }

  /// Writes `∂Q` into `dq` and `∂K`, `∂V` into `dk`, `dv` (all overwritten).
  public func backward(
    _ dOut: Tensor, queries q: Tensor, keys k: Tensor, values v: Tensor, probabilities: Tensor, starts: [Int],
    dq: Tensor, dk: Tensor, dv: Tensor
  ) {
    dk.zero()
    dv.zero()
    var offset = 0
    for (s, n) in Self.segments(starts) {
      backward(segment: s, rows: n, dOut, q, k, v, probabilities: probabilities.data + offset, dq: dq, dk: dk, dv: dv)
      offset += heads * n * n
    }
  }

  private func backward(
    segment s: Int, rows t: Int, _ dOut: Tensor, _ q: Tensor, _ k: Tensor, _ v: Tensor,
    probabilities: UnsafeMutablePointer<Float>, dq: Tensor, dk: Tensor, dv: Tensor
  ) {
    let d = headDimension
    let group = heads / kvHeads
    let dp = Tensor(rows: t, cols: t)
    for h in 0..<heads {
      let g = h / group
      let p = probabilities + h * t * t
      Kernels.gemmNT(
        m: t, n: t, k: d, a: dOut.row(s) + h * d, lda: dOut.cols, b: v.row(s) + g * d, ldb: v.cols, c: dp.data, ldc: t)
      Kernels.gemmTN(
        m: t, n: d, k: t, a: p, lda: t, b: dOut.row(s) + h * d, ldb: dOut.cols, c: dv.row(s) + g * d, ldc: dv.cols,
        accumulate: true)
      for i in 0..<t {
        let (pr, dr) = (p + i * t, dp.row(i))
        var dot: Float = 0
        for j in 0...i { dot += pr[j] * dr[j] }
        for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) }
        for j in (i + 1)..<t { dr[j] = 0 }
      }
      Kernels.gemmNN(
        m: t, n: d, k: t, a: dp.data, lda: t, b: k.row(s) + g * d, ldb: k.cols, c: dq.row(s) + h * d, ldc: dq.cols,
        alpha: scale)
      Kernels.gemmTN(
        m: t, n: d, k: t, a: dp.data, lda: t, b: q.row(s) + h * d, ldb: q.cols, c: dk.row(s) + g * d, ldc: dk.cols,
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
