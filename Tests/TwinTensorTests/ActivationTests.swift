import Foundation
import Testing
import TwinTensor

/// Inputs covering the central region, both tails, the kernel's internal region boundaries
/// (|x| = 0.6·√2 and the exp clamps) and a ragged length that exercises partial vectors.
let activationInputs: [Float] = {
  var x = (0..<1461).map { Float(-10 + 0.013_7 * Double($0)) }
  x += randomFloats(997, in: -3...3, seed: 77)
  x += [
    0, -0.0, 1e-30, -1e-30, 0.848_528_1, -0.848_528_1, 0.848_528_2, -0.848_528_2, 13.3, -13.3, 50,
    -50, 100,
  ]
  return x
}()

/// Applies an in-place kernel to a copy of `x`.
func applying(_ kernel: (UnsafeMutablePointer<Float>, Int) -> Void, to x: [Float]) -> [Float] {
  var y = x
  y.withUnsafeMutableBufferPointer { kernel($0.baseAddress!, $0.count) }
  return y
}

@Suite struct ActivationTests {
  @Test func geluMatchesErfFormInDouble() {
    let y = applying({ Kernels.gelu($0, count: $1) }, to: activationInputs)
    // Reference ½·x·erfc(−x/√2) in Double (= ½·x·(1 + erf(x/√2)), without the cancellation).
    let expected = activationInputs.map { 0.5 * Double($0) * erfc(-Double($0) / 2.0.squareRoot()) }
    // Measured worst case ≈ 3.2e-7 relative (≈ 5 ulp: the tail's exp, G(u) and three products);
    // 5e-7 leaves a little room while still catching any real formula error. Subnormal floor.
    let ratio = worstRatio(y, expected) { i in 5e-7 * abs(expected[i]) + 1e-38 }
    #expect(ratio <= 1)
  }

  @Test func geluAgreesWithFoundationErfWhereThatIsAccurate() {
    // The brief's literal formula with Foundation's erf, on |x| ≤ 3 where 1 + erf does not cancel.
    let x = activationInputs.filter { abs($0) <= 3 }
    let y = applying({ Kernels.gelu($0, count: $1) }, to: x)
    let expected = x.map { 0.5 * Double($0) * (1 + erf(Double($0) / 2.0.squareRoot())) }
    #expect(worstRatio(y, expected) { i in 5e-7 * abs(expected[i]) + 1e-38 } <= 1)
  }

  @Test func geluTanhMatchesReference() {
    let y = applying({ Kernels.geluTanh($0, count: $1) }, to: activationInputs)
    var tolerance = [Double]()
    let expected = activationInputs.map { value -> Double in
      let x = Double(value)
      let t = (2 / Double.pi).squareRoot() * (x + 0.044_715 * x * x * x)
      // The Float tanh argument carries ≈ 4 roundings; σ(2t)'s relative sensitivity to its
      // argument is |2t|·(1 − σ), so the bound grows with |t| in the negative tail.
      // ½·x·(1 + tanh t) written as x / (1 + e^(−2t)): the same function, but without the
      // cancellation that makes `1 + tanh t` useless in Double below t ≈ −18.
      let result = x / (1 + Foundation.exp(-2 * t))
      tolerance.append((8 * abs(t) + 12) * floatEpsilon * abs(result) + 1e-38)
      return result
    }
    #expect(worstRatio(y, expected) { tolerance[$0] } <= 1)
  }

  @Test func siluMatchesReference() {
    let y = applying({ Kernels.silu($0, count: $1) }, to: activationInputs)
    let expected = activationInputs.map { Double($0) / (1 + Foundation.exp(-Double($0))) }
    // exp ≲ 2 ulp, then add, divide, multiply: ≲ 8ε relative (x itself is exact).
    #expect(worstRatio(y, expected) { i in 8 * floatEpsilon * abs(expected[i]) + 1e-38 } <= 1)
  }

  @Test func longArraysIdenticalOnOneAndManyThreads() {
    let x = randomFloats(200_003, in: -8...8, seed: 9)
    let kernels: [(UnsafeMutablePointer<Float>, Int) -> Void] = [
      { Kernels.gelu($0, count: $1) }, { Kernels.geluTanh($0, count: $1) },
      { Kernels.silu($0, count: $1) },
    ]
    for kernel in kernels {
      let parallel = applying({ kernel($0, $1) }, to: x)
      let serial = Parallel.serially { applying({ kernel($0, $1) }, to: x) }
      #expect(parallel == serial)
    }
  }

  @Test func matrixOverloadsMatchPointerForms() {
    var m = Matrix(rows: 3, cols: 5, storage: randomFloats(15, seed: 10))
    let expected = applying({ Kernels.gelu($0, count: $1) }, to: m.storage)
    Kernels.gelu(&m)
    #expect(m.storage == expected)
  }
}
