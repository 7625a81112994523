import Foundation
import Testing
import TwinTensor

@Suite struct ElementWiseTests {
  @Test(arguments: [0, 1, 7, 8, 9, 100, 70_001, 200_000])
  func arithmeticIsExactPerElement(_ count: Int) {
    // One Float rounding per element, same as scalar code: results must be bit-identical.
    let a = randomFloats(count, seed: 1)
    let b = randomFloats(count, seed: 2)
    var sum = [Float](repeating: 0, count: count)
    var product = sum
    var scaled = a
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        sum.withUnsafeMutableBufferPointer {
          Kernels.add(base(ap), base(bp), into: base($0), count: count)
        }
        product.withUnsafeMutableBufferPointer {
          Kernels.multiply(base(ap), base(bp), into: base($0), count: count)
        }
      }
    }
    scaled.withUnsafeMutableBufferPointer { Kernels.scale(base($0), by: 0.37, count: count) }
    #expect(sum == zip(a, b).map { $0 + $1 })
    #expect(product == zip(a, b).map { $0 * $1 })
    #expect(scaled == a.map { $0 * 0.37 })
  }

  @Test func addInPlaceAliasesOutput() {
    var a = randomFloats(1001, seed: 3)
    let b = randomFloats(1001, seed: 4)
    let expected = zip(a, b).map { $0 + $1 }
    a.withUnsafeMutableBufferPointer { ap in
      b.withUnsafeBufferPointer {
        Kernels.add(ap.baseAddress!, $0.baseAddress!, into: ap.baseAddress!, count: 1001)
      }
    }
    #expect(a == expected)
    #expect(
      Kernels.add(
        Matrix(rows: 1, cols: 3, storage: [1, 2, 3]), Matrix(rows: 1, cols: 3, storage: [4, 5, 6])
      ).storage == [5, 7, 9])
  }

  @Test(arguments: [1, 13, 16, 384])
  func addBiasTouchesOnlyItsColumns(_ cols: Int) {
    let rows = 9
    let ld = cols + 3
    let x = randomFloats(rows * ld, seed: 5)
    let bias = randomFloats(cols, seed: 6)
    var y = x
    y.withUnsafeMutableBufferPointer { yp in
      bias.withUnsafeBufferPointer {
        Kernels.addBias(
          yp.baseAddress!, rows: rows, cols: cols, rowStride: ld, bias: $0.baseAddress!)
      }
    }
    for r in 0..<rows {
      for c in 0..<ld {
        let i = r * ld + c
        #expect(y[i] == (c < cols ? x[i] + bias[c] : x[i]))
      }
    }
  }
}

@Suite struct ReductionTests {
  @Test(arguments: [1, 7, 31, 32, 33, 1000, 4099])
  func sumAndDotMatchDouble(_ count: Int) {
    let a = randomFloats(count, seed: UInt64(count))
    let b = randomFloats(count, seed: UInt64(count) + 1)
    let (s, d) = a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        (
          Kernels.sum(ap.baseAddress!, count: count),
          Kernels.dot(ap.baseAddress!, bp.baseAddress!, count: count)
        )
      }
    }
    let exactSum = a.reduce(0.0) { $0 + Double($1) }
    let exactDot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    // γ_n bounds: |error| ≤ n·ε·Σ|terms| for any summation order.
    #expect(
      abs(Double(s) - exactSum) <= Double(count) * floatEpsilon
        * a.reduce(0.0) { $0 + Double(abs($1)) })
    #expect(
      abs(Double(d) - exactDot) <= Double(count + 1) * floatEpsilon
        * zip(a, b).reduce(0.0) { $0 + Double(abs($1.0 * $1.1)) })
  }

  @Test func meanPoolingAndNormalisation() {
    let rows = 11
    let cols = 19
    let ld = 24
    let x = randomFloats(rows * ld, seed: 12)
    var mean = [Float](repeating: .nan, count: cols)
    x.withUnsafeBufferPointer { xp in
      mean.withUnsafeMutableBufferPointer {
        Kernels.meanRows(
          xp.baseAddress!, rows: rows, cols: cols, rowStride: ld, into: $0.baseAddress!)
      }
    }
    for c in 0..<cols {
      let exact = (0..<rows).reduce(0.0) { $0 + Double(x[$1 * ld + c]) } / Double(rows)
      #expect(abs(Double(mean[c]) - exact) <= Double(rows + 2) * floatEpsilon)
    }
    let unit = Kernels.l2Normalized(mean)
    let norm = unit.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    #expect(abs(norm - 1) < 1e-6)
    let scale = mean.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    for c in 0..<cols { #expect(abs(Double(unit[c]) - Double(mean[c]) / scale) < 1e-6) }
    // A zero vector stays zero instead of becoming NaN (ε guard).
    #expect(Kernels.l2Normalized([0, 0, 0]) == [0, 0, 0])
    #expect(Kernels.meanRows(Matrix(rows: 2, cols: 2, storage: [1, 2, 3, 5])) == [2, 3.5])
  }

  @Test func normalizeRowsIndependently() {
    var x: [Float] = [3, 4, 9, 0, 5, 9]  // rows of 2 inside rows of 3
    x.withUnsafeMutableBufferPointer {
      Kernels.l2NormalizeRows($0.baseAddress!, rows: 2, cols: 2, rowStride: 3)
    }
    #expect(x == [0.6, 0.8, 9, 0, 1, 9])
  }
}
