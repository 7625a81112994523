import Foundation
import TwinTensor
import TwinTestSupport

/// `count` floats uniform in `range`.
func randomFloats(_ count: Int, in range: ClosedRange<Float> = -1...1, seed: UInt64) -> [Float] {
  var rng = SplitMix64(seed: seed)
  return (0..<count).map { _ in Float.random(in: range, using: &rng) }
}

/// A random `rows × cols` matrix.
func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
  Matrix(rows: rows, cols: cols, storage: randomFloats(rows * cols, seed: seed))
}

/// Unit roundoff of `Float` (half an ulp of 1).
let floatEpsilon = Double(Float.ulpOfOne) / 2

/// The largest of `|actual − expected| / tolerance` over all elements: ≤ 1 passes.
func worstRatio(_ actual: [Float], _ expected: [Double], tolerance: (Int) -> Double) -> Double {
  precondition(actual.count == expected.count)
  var worst = 0.0
  for i in actual.indices {
    let error = abs(Double(actual[i]) - expected[i])
    if error == 0 { continue }
    worst = max(worst, error / tolerance(i))
  }
  return worst
}

/// Double-precision `A[m × k] · Bᵀ` (B `[n × k]`) plus, per element, `Σ|a||b|`: the scale of the
/// standard rounding bound `|fl(a·b) − a·b| ≤ γ_k · Σ|aᵢ bᵢ|` (any summation order, FMA or not).
func referenceProductNT(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> (
  value: [Double], magnitude: [Double]
) {
  var value = [Double](repeating: 0, count: m * n)
  var magnitude = [Double](repeating: 0, count: m * n)
  for i in 0..<m {
    for j in 0..<n {
      var s = 0.0
      var t = 0.0
      for p in 0..<k {
        let product = Double(a[i * k + p]) * Double(b[j * k + p])
        s += product
        t += abs(product)
      }
      value[i * n + j] = s
      magnitude[i * n + j] = t
    }
  }
  return (value, magnitude)
}

/// Row-major transpose of a `rows × cols` array.
func transpose(_ x: [Float], rows: Int, cols: Int) -> [Float] {
  var out = [Float](repeating: 0, count: x.count)
  for r in 0..<rows {
    for c in 0..<cols { out[c * rows + r] = x[r * cols + c] }
  }
  return out
}

/// A valid address for buffers that may be empty (whose `baseAddress` can be nil).
nonisolated(unsafe) let placeholder = UnsafeMutablePointer<Float>.allocate(capacity: 1)

func base(_ buffer: UnsafeBufferPointer<Float>) -> UnsafePointer<Float> {
  buffer.baseAddress ?? UnsafePointer(placeholder)
}

func base(_ buffer: UnsafeMutableBufferPointer<Float>) -> UnsafeMutablePointer<Float> {
  buffer.baseAddress ?? placeholder
}
