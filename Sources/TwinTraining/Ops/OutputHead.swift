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
/// model's own activations), unless the upstream is known up front (``fused(_:rows:labels:weights:weight:into:)``).
public enum OutputHead {
  /// Labelled rows whose logits are computed at once (`chunk × V` floats at most).
  public static let chunk = 256

  /// The rows' labels' log-probabilities and log-normalisers (`lse`), for the labelled rows
  /// `rows` of `hidden`.
  public static func forward(_ hidden: Tensor, rows: [Int], labels: [Int32], weight: Tensor) -> (logp: [Float], lse: [Float]) {
    var logp = [Float](repeating: 0, count: rows.count)
    var lse = logp
    forEachChunk(hidden, rows: rows, weight: weight) { offset, count, logits in
      score(logits, count: count, labels: labels, offset: offset, logp: &logp, lse: &lse)
    }
    return (logp, lse)
  }

  /// Adds `∂h` to the labelled rows of `dHidden`, for upstream `weights` (one per labelled row).
  public static func backward(
    _ hidden: Tensor, rows: [Int], labels: [Int32], lse: [Float], weights: [Float], weight: Tensor, into dHidden: Tensor
  ) {
    forEachChunk(hidden, rows: rows, weight: weight) { offset, count, logits in
      gradient(logits, count: count, offset: offset, rows: rows, labels: labels, lse: lse, weights: weights, weight: weight, into: dHidden)
    }
  }

  /// ``forward(_:rows:labels:weight:)`` and ``backward(_:rows:labels:lse:weights:weight:into:)``
  /// in one pass over the logits, when the upstream gradient is known before the forward pass
  /// (SFT's is `−1/N` for every labelled token): the vocabulary-wide product runs once, not twice.
  public static func fused(
    _ hidden: Tensor, rows: [Int], labels: [Int32], weights: [Float], weight: Tensor, into dHidden: Tensor
  ) -> (logp: [Float], lse: [Float]) {
    var logp = [Float](repeating: 0, count: rows.count)
    var lse = logp
    forEachChunk(hidden, rows: rows, weight: weight) { offset, count, logits in
      score(logits, count: count, labels: labels, offset: offset, logp: &logp, lse: &lse)
      gradient(logits, count: count, offset: offset, rows: rows, labels: labels, lse: lse, weights: weights, weight: weight, into: dHidden)
    }
    return (logp, lse)
  }

  /// `lse` and `log p(label)` of a chunk's rows.
  private static func score(
    _ logits: Tensor, count: Int, labels: [Int32], offset: Int, logp: inout [Float], lse: inout [Float]
  ) {
    let v = logits.cols
    logp.withUnsafeMutableBufferPointer { logp in
      lse.withUnsafeMutableBufferPointer { lse in
        let (logp, lse) = (logp.baseAddress!, lse.baseAddress!)
        // Rows are independent: each thread takes whole rows (tens of microseconds each).
        Parallel.forRange(count, minChunk: 4) { rows in
          for i in rows {
            let z = logits.row(i)
            var m = -Float.infinity
            for j in 0..<v { m = max(m, z[j]) }
            var sum: Double = 0
            for j in 0..<v { sum += Double(expf(z[j] - m)) }
            let l = m + Float(log(sum))
            lse[offset + i] = l
            logp[offset + i] = z[Int(labels[offset + i])] - l
          }
        }
      }
    }
  }

  /// Turns a chunk's logits into `∂z` in place and adds `∂h = ∂z W` to its rows of `dHidden`.
  private static func gradient(
    _ logits: Tensor, count: Int, offset: Int, rows: [Int], labels: [Int32], lse: [Float], weights: [Float], weight: Tensor,
    into dHidden: Tensor
  ) {
    let d = weight.cols
    Parallel.forRange(count, minChunk: 4) { rows in
      for i in rows {
        let z = logits.row(i)
        let w = weights[offset + i]
        let l = lse[offset + i]
        for j in 0..<logits.cols { z[j] = -w * expf(z[j] - l) }
        z[Int(labels[offset + i])] += w
      }
    }
    let dh = Tensor(rows: count, cols: d)
    Kernels.gemmNN(
      m: count, n: d, k: weight.rows, a: logits.data, lda: logits.cols, b: weight.data, ldb: d, c: dh.data, ldc: d)
    for i in 0..<count {
      let target = dHidden.row(rows[offset + i])
      Kernels.add(target, dh.row(i), into: target, count: d)
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
