import Testing
import TwinTestSupport
import TwinTraining

/// Central finite differences of a scalar function of a tensor's elements, against an analytic
/// gradient.
enum GradientCheck {
  /// `(L(θ + h) − L(θ − h)) / 2h` for each element index in `indices` of `parameter`.
  static func numeric(_ parameter: Tensor, indices: [Int], step h: Float = 1e-2, loss: () -> Double) -> [Double] {
    indices.map { i in
      let saved = parameter.data[i]
      parameter.data[i] = saved + h
      let plus = loss()
      parameter.data[i] = saved - h
      let minus = loss()
      parameter.data[i] = saved
      return (plus - minus) / Double(2 * h)
    }
  }

  /// Checks analytic against numeric gradients: cosine ≥ 0.9999 and every element within 2 % of
  /// the largest.
  static func expectClose(
    analytic: [Double], numeric: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let dot = zip(analytic, numeric).reduce(0) { $0 + $1.0 * $1.1 }
    let na = analytic.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let nn = numeric.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let largest = numeric.map(abs).max() ?? 0
    #expect(largest > 1e-4, "\(what): the numeric gradient is zero, so the check would prove nothing", sourceLocation: sourceLocation)
    let cosine = dot / max(na * nn, 1e-30)
    #expect(cosine >= 0.9999, "\(what): cosine \(cosine)", sourceLocation: sourceLocation)
    let worst = zip(analytic, numeric).map { abs($0 - $1) }.max() ?? 0
    #expect(worst <= 0.02 * largest, "\(what): worst |Δ| \(worst) against largest \(largest)", sourceLocation: sourceLocation)
  }

  /// `Σ r ⊙ y` in double precision: a scalar loss whose gradient with respect to `y` is `r`.
  static func weightedSum(_ y: Tensor, _ r: Tensor) -> Double {
    var s: Double = 0
    for i in 0..<y.count { s += Double(y.data[i]) * Double(r.data[i]) }
    return s
  }

  /// A tensor of uniform draws in `range`.
  static func random(_ rows: Int, _ cols: Int, _ rng: inout SplitMix64, in range: ClosedRange<Float> = -1...1) -> Tensor {
    Tensor(rows: rows, cols: cols, values: rng.floats(rows * cols, in: range))
  }

  /// Up to `count` indices spread over `0..<total`.
  static func sample(_ total: Int, count: Int = 24) -> [Int] {
    total <= count ? Array(0..<total) : (0..<count).map { $0 * total / count + ($0 * 7) % max(1, total / count) }
  }
}
