import Foundation
import TwinTensor

/// The language-model head and the log-probability of each label:
///
///     z = h Wᵀ  (vocabulary logits),   log p(y) = z_y − log Σ_v e^{z_v}
///
/// Only rows that carry a label are computed: with the loss on answer tokens only, the prompt's
/// rows never pay for the vocabulary-wide product. Rows go through in chunks so that the logits
/// never take more than `chunk × V` floats. Backward, for an upstream `w = ∂L/∂log p(y)` per row:
///
///     ∂z = w (onehot(y) − softmax(z)),   ∂h = ∂z W
///
/// The logits are recomputed in backward rather than kept (`T × V` floats would dwarf the
/// model's own activations).
public enum OutputHead {
  public static let chunk = 64

  /// The rows' labels' log-probabilities and log-normalisers (`lse`), for the labelled rows
  /// `rows` of `hidden`.
  public static func forward(_ hidden: Tensor, rows: [Int], labels: [Int32], weight: Tensor) -> (logp: [Float], lse: [Float]) {
    var logp = [Float](repeating: 0, count: rows.count)
    var lse = logp
    forEachChunk(hidden, rows: rows, weight: weight) { offset, count, logits in
      for i in 0..<count {
        let z = logits.row(i)
        let v = logits.cols
        var m = -Float.infinity
        for j in 0..<v { m = max(m, z[j]) }
        var sum: Double = 0
        for j in 0..<v { sum += Double(expf(z[j] - m)) }
        let l = m + Float(log(sum))
        lse[offset + i] = l
        logp[offset + i] = z[Int(labels[offset + i])] - l
      }
    }
    return (logp, lse)
  }

  /// Adds `∂h` to the labelled rows of `dHidden`, for upstream `weights` (one per labelled row).
  public static func backward(
    _ hidden: Tensor, rows: [Int], labels: [Int32], lse: [Float], weights: [Float], weight: Tensor, into dHidden: Tensor
  ) {
    let d = hidden.cols
    forEachChunk(hidden, rows: rows, weight: weight) { offset, count, logits in
      for i in 0..<count {
        let z = logits.row(i)
        let w = weights[offset + i]
        let l = lse[offset + i]
        for j in 0..<logits.cols { z[j] = -w * expf(z[j] - l) }
        z[Int(labels[offset + i])] += w
      }
      let dh = Tensor(rows: count, cols: d)
      Kernels.gemmNN(
        m: count, n: d, k: weight.rows, a: logits.data, lda: logits.cols, b: weight.data, ldb: d, c: dh.data, ldc: d)
      for i in 0..<count {
        let target = dHidden.row(rows[offset + i])
        Kernels.add(target, dh.row(i), into: target, count: d)
      }
    }
  }

  /// Calls `body(offset, count, logits)` for consecutive chunks of the labelled rows.
  private static func forEachChunk(
    _ hidden: Tensor, rows: [Int], weight: Tensor, _ body: (Int, Int, Tensor) -> Void
  ) {
    let d = hidden.cols
    var offset = 0
    while offset < rows.count {
      let count = min(chunk, rows.count - offset)
      let gathered = Tensor(rows: count, cols: d)
      for i in 0..<count { gathered.row(i).update(from: hidden.row(rows[offset + i]), count: d) }
      let logits = Tensor(rows: count, cols: weight.rows)
      Kernels.gemmNT(
        m: count, n: weight.rows, k: d, a: gathered.data, lda: d, b: weight.data, ldb: d, c: logits.data,
        ldc: weight.rows)
      body(offset, count, logits)
      offset += count
    }
  }
}
