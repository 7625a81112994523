import Foundation
import Testing
import TwinTensor

/// Double-precision softmax of `x[0..<valid]` (with optional additive mask); zeros after.
func referenceSoftmax(_ x: [Float], mask: [Float]?, valid: Int) -> [Double] {
  var out = [Double](repeating: 0, count: x.count)
  let scores = (0..<valid).map { Double(x[$0]) + Double(mask?[$0] ?? 0) }
  guard let top = scores.max(), top > -.infinity else { return out }
  let e = scores.map { Foundation.exp($0 - top) }
  let total = e.reduce(0, +)
  for i in 0..<valid { out[i] = e[i] / total }
  return out
}

@Suite struct SoftmaxTests {
  @Test(arguments: [1, 3, 8, 17, 33, 100, 257])
  func matchesReferenceAndSumsToOne(_ cols: Int) {
    let rows = 5
    var x = randomFloats(rows * cols, in: -20...20, seed: UInt64(cols))
    let input = x
    Kernels.softmax(&x, rows: rows, cols: cols)
    for r in 0..<rows {
      let row = Array(x[(r * cols)..<((r + 1) * cols)])
      let scores = Array(input[(r * cols)..<((r + 1) * cols)])
      let expected = referenceSoftmax(scores, mask: nil, valid: cols)
      let top = Double(scores.max()!)
      // Each output: rounding of `x − max` in Float (relative |x − max|·ε once exponentiated),
      // exp itself (≲ 2 ulp), the sum (≲ cols · ε relative), the reciprocal and product (1 ulp
      // each); an absolute floor for probabilities that underflow.
      let ratio = worstRatio(row, expected) { i in
        (Double(cols) + 8 + abs(Double(scores[i]) - top)) * floatEpsilon * expected[i] + 1e-30
      }
      #expect(ratio <= 1, "cols=\(cols) row=\(r)")
      let total = row.reduce(0.0) { $0 + Double($1) }
      #expect(abs(total - 1) <= (Double(cols) + 8) * floatEpsilon)
    }
  }

  @Test func maskValidColumnsAndCausalLimit() {
    let rows = 6
    let cols = 19
    let input = randomFloats(rows * cols, in: -5...5, seed: 5)
    var mask = [Float](repeating: 0, count: cols)
    mask[2] = -.infinity
    mask[4] = -10_000
    var x = input
    x.withUnsafeMutableBufferPointer { xp in
      mask.withUnsafeBufferPointer { mp in
        Kernels.softmax(
          xp.baseAddress!, rows: rows, cols: cols, mask: mp.baseAddress!, validCols: 15,
          causalOffset: 9)
      }
    }
    for r in 0..<rows {
      let valid = min(15, r + 9 + 1)
      let row = Array(x[(r * cols)..<((r + 1) * cols)])
      let expected = referenceSoftmax(
        Array(input[(r * cols)..<((r + 1) * cols)]), mask: mask, valid: valid)
      // As above: |x − max| ≤ 10 here, and at most 15 terms are summed.
      #expect(
        worstRatio(row, expected) { i in (15 + 8 + 10) * floatEpsilon * expected[i] + 1e-30 } <= 1)
      #expect(row[2] == 0)  // -inf mask: exactly zero
      #expect(row[valid...].allSatisfy { $0 == 0 })
    }
  }

  @Test func perRowMaskAndFullyMaskedRow() {
    let cols = 10
    var x = randomFloats(2 * cols, seed: 6)
    var masks = [Float](repeating: 0, count: 2 * cols)
    for j in 0..<cols { masks[cols + j] = -.infinity }  // second row fully masked
    masks[3] = -.infinity
    x.withUnsafeMutableBufferPointer { xp in
      masks.withUnsafeBufferPointer { mp in
        Kernels.softmax(
          xp.baseAddress!, rows: 2, cols: cols, mask: mp.baseAddress!, maskStride: cols)
      }
    }
    #expect(x[3] == 0)
    #expect(abs(x[0..<cols].reduce(0, +) - 1) < 1e-6)
    #expect(x[cols...].allSatisfy { $0 == 0 })
  }

  @Test func hugeScoresDoNotOverflow() {
    var m = Matrix(rows: 1, cols: 4, storage: [1000, 999, -1000, 1000])
    Kernels.softmax(&m)
    let e = Double(Foundation.exp(-1.0))
    let expected = [1 / (2 + e), e / (2 + e), 0, 1 / (2 + e)]
    for i in 0..<4 { #expect(abs(Double(m.storage[i]) - expected[i]) < 1e-6) }
  }

  @Test func manyRowsIdenticalOnOneAndManyThreads() {
    let rows = 300
    let cols = 257
    let input = randomFloats(rows * cols, in: -10...10, seed: 8)
    var parallel = Matrix(rows: rows, cols: cols, storage: input)
    var serial = parallel
    Kernels.softmax(&parallel)
    Parallel.serially { Kernels.softmax(&serial) }
    #expect(parallel == serial)
  }
}

extension Kernels {
  /// Test convenience: softmax over an array viewed as `rows × cols`.
  static func softmax(_ x: inout [Float], rows: Int, cols: Int) {
    x.withUnsafeMutableBufferPointer { softmax($0.baseAddress!, rows: rows, cols: cols) }
  }
}
