import TwinTensor

/// Root-mean-square normalisation with a frozen gain `w`, row by row:
///
///     ρ = 1 / √(mean(x²) + ε)        y = x ρ ⊙ w
///
/// Backward, per row of `D` elements, with `g = ∂y ⊙ w`:
///
///     ∂x = ρ g − x ρ³ (g · x) / D
public enum RMSNorm {
  /// Normalises `x` into `y` and returns ρ per row (what backward needs besides `x`).
  public static func forward(_ x: Tensor, weight: [Float], epsilon: Float, into y: Tensor) -> [Float] {
    let d = x.cols
    var rho = [Float](repeating: 0, count: x.rows)
    rho.withUnsafeMutableBufferPointer { rho in
      let rho = rho.baseAddress!
      weight.withUnsafeBufferPointer { w in
        Parallel.forRange(x.rows, minChunk: 16) { rows in
          for r in rows {
            let xr = x.row(r)
            let ms = Kernels.dot(xr, xr, count: d) / Float(d)
            let p = 1 / (ms + epsilon).squareRoot()
            rho[r] = p
            let yr = y.row(r)
            for j in 0..<d { yr[j] = (xr[j] * p) * w[j] }
          }
        }
      }
    }
    return rho
  }

  /// Adds `∂x` for the upstream `dy` to `dx`.
  public static func backward(_ dy: Tensor, input x: Tensor, weight: [Float], rho: [Float], into dx: Tensor) {
    let d = x.cols
    weight.withUnsafeBufferPointer { w in
      Parallel.forRange(x.rows, minChunk: 16) { rows in
        var g = [Float](repeating: 0, count: d)
        for r in rows {
          let (xr, dyr, dxr) = (x.row(r), dy.row(r), dx.row(r))
          for j in 0..<d { g[j] = dyr[j] * w[j] }
          let gx = g.withUnsafeBufferPointer { Kernels.dot($0.baseAddress!, xr, count: d) }
          let p = rho[r]
          let c = p * p * p * gx / Float(d)
          for j in 0..<d { dxr[j] += p * g[j] - xr[j] * c }
        }
      }
    }
  }
}
