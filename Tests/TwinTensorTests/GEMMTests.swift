import Foundation
import Testing
import TwinTensor

/// Shapes around the 6 × 16 register tile and the 256/384-step depth blocks: 1, odd, one more
/// or less than a multiple of 6 or 16, and larger than a block.
let gemmShapes: [(m: Int, n: Int, k: Int)] = [
  (1, 1, 1), (1, 3, 17), (3, 1, 33), (17, 33, 3), (33, 17, 100), (100, 257, 17), (257, 100, 33),
  (6, 16, 8), (7, 17, 9), (5, 15, 385), (12, 32, 64), (13, 48, 257), (100, 33, 1), (3, 257, 100),
  (257, 3, 100), (33, 100, 257), (64, 64, 769), (1, 300, 400), (200, 1, 50), (97, 131, 211),
]

@Suite struct GEMMTests {
  @Test(arguments: gemmShapes.indices)
  func packedMatchesDoubleReferenceWithBias(_ index: Int) {
    let (m, n, k) = gemmShapes[index]
    let seed = UInt64(index)
    let a = randomMatrix(m, k, seed: seed)
    let b = randomMatrix(n, k, seed: seed + 100)
    let bias = randomFloats(n, seed: seed + 200)
    let c = Kernels.linear(a, PackedMatrix(b), bias: bias)
    let reference = referenceProductNT(a.storage, b.storage, m: m, n: n, k: k)
    let expected = reference.value.enumerated().map { $0.element + Double(bias[$0.offset % n]) }
    // γ_{k+1} bound on the dot product plus the bias addition, with a factor 2 of slack.
    let ratio = worstRatio(c.storage, expected) { i in
      2 * Double(k + 2) * floatEpsilon * (reference.magnitude[i] + abs(Double(bias[i % n]))) + 1e-30
    }
    #expect(ratio <= 1, "m=\(m) n=\(n) k=\(k)")
  }

  @Test(arguments: gemmShapes.indices)
  func unpackedVariantsMatchPackedExactly(_ index: Int) {
    let (m, n, k) = gemmShapes[index]
    let seed = UInt64(1000 + index)
    let a = randomMatrix(m, k, seed: seed)
    let b = randomMatrix(n, k, seed: seed + 1)
    let packed = Kernels.linear(a, PackedMatrix(b))
    // Same panels, same blocking, same kernel: the three entry points must agree bit for bit.
    #expect(Kernels.matmul(a, transposing: b) == packed)
    let bT = Matrix(rows: k, cols: n, storage: transpose(b.storage, rows: n, cols: k))
    #expect(Kernels.matmul(a, bT) == packed)
  }

  @Test func accumulateAndAlphaAndStridedViews() {
    // Two "heads" of width 20 inside rows of 50: Q·Kᵀ·α for head 1, then P·V accumulated into
    // head 1's columns of a wider output.
    let tokens = 37
    let hidden = 50
    let d = 20
    let offset = 25
    let q = randomFloats(tokens * hidden, seed: 1)
    let kv = randomFloats(tokens * hidden, seed: 2)
    let alpha: Float = 0.223_606_8
    var scores = [Float](repeating: 0, count: tokens * tokens)
    q.withUnsafeBufferPointer { qp in
      kv.withUnsafeBufferPointer { kp in
        scores.withUnsafeMutableBufferPointer { sp in
          Kernels.gemmNT(
            m: tokens, n: tokens, k: d, a: qp.baseAddress! + offset, lda: hidden,
            b: kp.baseAddress! + offset,
            ldb: hidden, c: sp.baseAddress!, ldc: tokens, alpha: alpha)
        }
      }
    }
    let qHead = (0..<tokens).flatMap { r in q[(r * hidden + offset)..<(r * hidden + offset + d)] }
    let kHead = (0..<tokens).flatMap { r in kv[(r * hidden + offset)..<(r * hidden + offset + d)] }
    let ref = referenceProductNT(qHead, kHead, m: tokens, n: tokens, k: d)
    let ratio = worstRatio(scores, ref.value.map { $0 * Double(alpha) }) { i in
      2 * Double(d + 2) * floatEpsilon * ref.magnitude[i] * Double(alpha) + 1e-30
    }
    #expect(ratio <= 1)

    let initial = randomFloats(tokens * hidden, seed: 3)
    var out = initial
    scores.withUnsafeBufferPointer { sp in
      kv.withUnsafeBufferPointer { vp in
        out.withUnsafeMutableBufferPointer { op in
          Kernels.gemmNN(
            m: tokens, n: d, k: tokens, a: sp.baseAddress!, lda: tokens,
            b: vp.baseAddress! + offset, ldb: hidden,
            c: op.baseAddress! + offset, ldc: hidden, accumulate: true)
        }
      }
    }
    var worst = 0.0
    for r in 0..<tokens {
      for c in 0..<hidden {
        let got = Double(out[r * hidden + c])
        guard c >= offset && c < offset + d else {
          #expect(
            out[r * hidden + c] == initial[r * hidden + c], "column \(c) outside the head changed")
          continue
        }
        var s = Double(initial[r * hidden + c])
        var magnitude = abs(s)
        for p in 0..<tokens {
          let term = Double(scores[r * tokens + p]) * Double(kv[p * hidden + c])
          s += term
          magnitude += abs(term)
        }
        worst = max(
          worst, abs(got - s) / (2 * Double(tokens + 2) * floatEpsilon * magnitude + 1e-30))
      }
    }
    #expect(worst <= 1)
  }

  @Test func packedAccumulateAddsToExistingOutput() {
    let (m, n, k) = (23, 41, 29)
    let a = randomMatrix(m, k, seed: 7)
    let b = randomMatrix(n, k, seed: 8)
    let packed = PackedMatrix(b)
    let bias = randomFloats(n, seed: 9)
    let first = Kernels.linear(a, packed, bias: bias)
    var c = first.storage
    a.withUnsafeBufferPointer { ap in
      bias.withUnsafeBufferPointer { bp in
        c.withUnsafeMutableBufferPointer { cp in
          Kernels.gemm(
            ap.baseAddress!, rows: m, packed: packed, into: cp.baseAddress!, bias: bp.baseAddress!,
            accumulate: true)
        }
      }
    }
    // Adding the same value twice is exact doubling.
    #expect(c == first.storage.map { $0 * 2 })
  }

  @Test func emptyDepthWritesBiasOrKeepsOutput() {
    let a = Matrix(rows: 3, cols: 0)
    let b = Matrix(rows: 5, cols: 0)
    let bias: [Float] = [1, 2, 3, 4, 5]
    let c = Kernels.linear(a, PackedMatrix(b), bias: bias)
    #expect(c.storage == Array(repeating: bias, count: 3).flatMap { $0 })
    #expect(Kernels.matmul(a, transposing: b).storage == [Float](repeating: 0, count: 15))
  }

  @Test func largeProductIsIdenticalOnOneAndManyThreads() {
    // Big enough to be split across threads by rows; the per-element arithmetic must not
    // depend on the split. Also splits by panels (few rows, many columns).
    for (m, n, k) in [(301, 200, 300), (7, 2000, 300)] {
      let a = randomMatrix(m, k, seed: 11)
      let packed = PackedMatrix(randomMatrix(n, k, seed: 12))
      let bias = randomFloats(n, seed: 13)
      let parallel = Kernels.linear(a, packed, bias: bias)
      let serial = Parallel.serially { Kernels.linear(a, packed, bias: bias) }
      #expect(parallel == serial, "m=\(m) n=\(n) k=\(k)")
    }
  }

  @Test func rowStridesAddressSubmatrices() {
    // A is the left 30 columns of a 12 × 45 buffer; C goes into columns 5..<26 of a 12 × 40 one.
    let (m, n, k) = (12, 21, 30)
    let bigA = randomFloats(m * 45, seed: 21)
    let b = randomMatrix(n, k, seed: 22)
    let packed = PackedMatrix(b)
    var bigC = [Float](repeating: -7, count: m * 40)
    bigA.withUnsafeBufferPointer { ap in
      bigC.withUnsafeMutableBufferPointer { cp in
        Kernels.gemm(
          ap.baseAddress!, rows: m, lda: 45, packed: packed, into: cp.baseAddress! + 5, ldc: 40,
          bias: nil)
      }
    }
    let a = Matrix(rows: m, cols: k, storage: (0..<m).flatMap { bigA[($0 * 45)..<($0 * 45 + k)] })
    let expected = Kernels.linear(a, packed)
    for r in 0..<m {
      #expect(Array(bigC[(r * 40 + 5)..<(r * 40 + 5 + n)]) == Array(expected.row(r)))
      #expect(bigC[(r * 40)..<(r * 40 + 5)].allSatisfy { $0 == -7 })
      #expect(bigC[(r * 40 + 5 + n)..<(r * 40 + 40)].allSatisfy { $0 == -7 })
    }
  }

  @Test func packedMatrixFromStridedSource() {
    let (n, k) = (19, 13)
    let big = randomFloats(n * 20, seed: 31)
    let packedStrided = big.withUnsafeBufferPointer {
      PackedMatrix($0.baseAddress!, rows: n, cols: k, rowStride: 20)
    }
    let dense = Matrix(
      rows: n, cols: k, storage: (0..<n).flatMap { big[($0 * 20)..<($0 * 20 + k)] })
    let a = randomMatrix(9, k, seed: 32)
    #expect(packedStrided.rows == n && packedStrided.cols == k)
    #expect(Kernels.linear(a, packedStrided) == Kernels.linear(a, PackedMatrix(dense)))
  }
}
