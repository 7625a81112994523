import Foundation
import Testing
import TwinTensor

@Suite struct NormalizationTests {
  @Test(arguments: [1, 3, 8, 17, 33, 100, 257, 384])
  func layerNormMatchesReference(_ cols: Int) {
    let rows = 7
    // An offset mean checks that the two-pass variance does not cancel.
    let x = randomFloats(rows * cols, in: 2...6, seed: UInt64(cols))
    let gamma = randomFloats(cols, in: 0.5...1.5, seed: 100 + UInt64(cols))
    let beta = randomFloats(cols, seed: 200 + UInt64(cols))
    var m = Matrix(rows: rows, cols: cols, storage: x)
    Kernels.layerNorm(&m, gamma: gamma, beta: beta, epsilon: 1e-12)
    var expected = [Double]()
    var scale = [Double]()
    for r in 0..<rows {
      let row = x[(r * cols)..<((r + 1) * cols)].map(Double.init)
      let mean = row.reduce(0, +) / Double(cols)
      let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(cols)
      let inverse = 1 / (variance + 1e-12).squareRoot()
      for j in 0..<cols {
        expected.append((row[j] - mean) * inverse * Double(gamma[j]) + Double(beta[j]))
        scale.append(abs((row[j] - mean) * inverse * Double(gamma[j])) + abs(Double(beta[j])))
      }
    }
    // The Float mean carries ≲ cols·ε·|x| error, which enters x − mean; relative to the
    // spread (≈ 1 here, |x| ≤ 6) that is ≲ 6·cols·ε; a few more ulps for the rest.
    let ratio = worstRatio(m.storage, expected) { i in
      (6 * Double(cols) + 16) * floatEpsilon * (scale[i] + 1)
    }
    #expect(ratio <= 1, "cols=\(cols)")
  }

  @Test func layerNormWithoutAffineHasZeroMeanUnitVariance() {
    let rows = 40
    let cols = 384
    let x = randomFloats(rows * cols, in: -3...9, seed: 3)
    var y = [Float](repeating: .nan, count: rows * cols)
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in
        Kernels.layerNorm(
          xp.baseAddress!, rows: rows, cols: cols, gamma: nil, beta: nil, epsilon: 1e-12,
          into: yp.baseAddress!)
      }
    }
    for r in 0..<rows {
      let row = y[(r * cols)..<((r + 1) * cols)].map(Double.init)
      let mean = row.reduce(0, +) / Double(cols)
      let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(cols)
      #expect(abs(mean) < 1e-5)
      #expect(abs(variance - 1) < 1e-5)
    }
  }

  @Test func inPlaceStridedAndParallelAgree() {
    // 300 rows of 100 inside rows of 128: out-of-place into a dense buffer, in place, and
    // serially must all give the same values.
    let rows = 300
    let cols = 100
    let ld = 128
    let gamma = randomFloats(cols, seed: 4)
    let beta = randomFloats(cols, seed: 5)
    var buffer = randomFloats(rows * ld, seed: 6)
    var dense = [Float](repeating: 0, count: rows * cols)
    var serial = dense
    buffer.withUnsafeMutableBufferPointer { bp in
      gamma.withUnsafeBufferPointer { g in
        beta.withUnsafeBufferPointer { b in
          dense.withUnsafeMutableBufferPointer { dp in
            Kernels.layerNorm(
              bp.baseAddress!, rows: rows, cols: cols, rowStride: ld, gamma: g.baseAddress!,
              beta: b.baseAddress!,
              epsilon: 1e-5, into: dp.baseAddress!)
          }
          serial.withUnsafeMutableBufferPointer { sp in
            Parallel.serially {
              Kernels.layerNorm(
                bp.baseAddress!, rows: rows, cols: cols, rowStride: ld, gamma: g.baseAddress!,
                beta: b.baseAddress!,
                epsilon: 1e-5, into: sp.baseAddress!)
            }
          }
          Kernels.layerNorm(
            bp.baseAddress!, rows: rows, cols: cols, rowStride: ld, gamma: g.baseAddress!,
            beta: b.baseAddress!,
            epsilon: 1e-5, into: bp.baseAddress!, outputStride: ld)
        }
      }
    }
    #expect(dense == serial)
    for r in 0..<rows {
      #expect(
        Array(buffer[(r * ld)..<(r * ld + cols)]) == Array(dense[(r * cols)..<((r + 1) * cols)]))
    }
  }

  @Test(arguments: [1, 5, 64, 129])
  func rmsNormMatchesReference(_ cols: Int) {
    let rows = 4
    let x = randomFloats(rows * cols, in: -4...4, seed: 50 + UInt64(cols))
    let weight = randomFloats(cols, in: 0.5...2, seed: 60 + UInt64(cols))
    var m = Matrix(rows: rows, cols: cols, storage: x)
    Kernels.rmsNorm(&m, weight: weight, epsilon: 1e-6)
    var expected = [Double]()
    for r in 0..<rows {
      let row = x[(r * cols)..<((r + 1) * cols)].map(Double.init)
      let inverse = 1 / (row.map { $0 * $0 }.reduce(0, +) / Double(cols) + 1e-6).squareRoot()
      expected += (0..<cols).map { row[$0] * inverse * Double(weight[$0]) }
    }
    // Sum of squares ≲ cols·ε relative (halved by the square root), then 3 roundings.
    let ratio = worstRatio(m.storage, expected) { i in
      (Double(cols) + 8) * floatEpsilon * abs(expected[i]) + 1e-30
    }
    #expect(ratio <= 1)
  }
}
