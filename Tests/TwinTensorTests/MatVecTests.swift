import Foundation
import Testing
import TwinTensor

@Suite struct MatVecTests {
  @Test(arguments: [(1, 1), (3, 17), (17, 3), (4, 16), (5, 33), (100, 257), (257, 100), (33, 1000)])
  func matchesDoubleReference(_ shape: (Int, Int)) {
    let (n, k) = shape
    let w = randomMatrix(n, k, seed: UInt64(n * 1000 + k))
    let x = randomFloats(k, seed: 1)
    let bias = randomFloats(n, seed: 2)
    let y = Kernels.matvec(w, x, bias: bias)
    let reference = referenceProductNT(w.storage, x, m: n, n: 1, k: k)
    let ratio = worstRatio(
      y, reference.value.enumerated().map { $0.element + Double(bias[$0.offset]) }
    ) { i in
      2 * Double(k + 2) * floatEpsilon * (reference.magnitude[i] + abs(Double(bias[i]))) + 1e-30
    }
    #expect(ratio <= 1, "n=\(n) k=\(k)")
  }

  @Test func largeIdenticalOnOneAndManyThreadsAndAgreesWithGEMM() {
    let (n, k) = (3001, 517)
    let w = randomMatrix(n, k, seed: 3)
    let x = randomFloats(k, seed: 4)
    let parallel = Kernels.matvec(w, x)
    let serial = Parallel.serially { Kernels.matvec(w, x) }
    #expect(parallel == serial)
    // Same values as a one-row GEMM, within rounding (different summation order).
    let viaGEMM = Kernels.linear(Matrix(rows: 1, cols: k, storage: x), PackedMatrix(w)).storage
    let reference = referenceProductNT(w.storage, x, m: n, n: 1, k: k)
    for i in 0..<n {
      #expect(
        abs(Double(parallel[i]) - Double(viaGEMM[i])) <= 4 * Double(k + 2) * floatEpsilon
          * reference.magnitude[i])
    }
  }

  @Test func rowStrideSkipsPadding() {
    let w: [Float] = [1, 2, 99, 3, 4, 99]
    let x: [Float] = [10, 1]
    var y: [Float] = [0, 0]
    w.withUnsafeBufferPointer { wp in
      x.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer {
          Kernels.matvec(
            wp.baseAddress!, rows: 2, cols: 2, rowStride: 3, x: xp.baseAddress!,
            into: $0.baseAddress!)
        }
      }
    }
    #expect(y == [12, 34])
  }
}

@Suite struct MatrixTests {
  @Test func storageLayoutAndAccessors() {
    var m = Matrix(rows: 2, cols: 3, storage: [1, 2, 3, 4, 5, 6])
    #expect(m[1, 0] == 4)
    m[0, 2] = 9
    #expect(m.storage == [1, 2, 9, 4, 5, 6])
    #expect(Array(m.row(1)) == [4, 5, 6])
    #expect(Matrix(rows: 2, cols: 2, repeating: 7).storage == [7, 7, 7, 7])
    #expect(Matrix(rows: 0, cols: 5).storage.isEmpty)
  }
}
