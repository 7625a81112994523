import Foundation

/// Rotary position embedding in the Hugging Face "rotate half" layout, which is the training
/// layout of every supported model (GGUF's adjacent-pair Llama rows are put back in this order
/// when the weights load, see ``FrozenDecoderWeights``).
///
/// Dimension `i < d/2` of a head is paired with `i + d/2` and the pair rotated by
/// `θᵢ(p) = p · base^(−2i/d)`. Backward rotates the gradient by `−θ` (a rotation's inverse is
/// its transpose).
public struct Rotary: Sendable {
  /// Elements per head.
  public let headDimension: Int
  /// The base frequency.
  public let base: Float

  /// Rotation of heads of `headDimension` elements with base frequency `base`.
  public init(headDimension: Int, base: Float) {
    self.headDimension = headDimension
    self.base = base
  }

  /// `cos θᵢ(p)` and `sin θᵢ(p)` for the given positions, `positions.count × d/2` each; computed
  /// in `Float` the way transformers does (inverse frequencies, then one product per position).
  public func table(positions: [Int]) -> (cos: [Float], sin: [Float]) {
    let half = headDimension / 2
    let inverse = (0..<half).map { i in 1 / powf(base, Float(2 * i) / Float(headDimension)) }
    var c = [Float](repeating: 0, count: positions.count * half)
    var s = c
    for (t, p) in positions.enumerated() {
      for i in 0..<half {
        let angle = Float(p) * inverse[i]
        c[t * half + i] = cosf(angle)
        s[t * half + i] = sinf(angle)
      }
    }
    return (c, s)
  }

  /// Rotates every head of every row of `x` (`T × heads·d`) in place; `inverse` rotates back.
  public func apply(_ x: Tensor, heads: Int, table: (cos: [Float], sin: [Float]), inverse: Bool = false) {
    let half = headDimension / 2
    let sign: Float = inverse ? -1 : 1
    for t in 0..<x.rows {
      let row = x.row(t)
      for h in 0..<heads {
        let v = row + h * headDimension
        for i in 0..<half {
          let c = table.cos[t * half + i]
          let s = sign * table.sin[t * half + i]
          let (x0, x1) = (v[i], v[i + half])
          v[i] = x0 * c - x1 * s
          v[i + half] = x1 * c + x0 * s
        }
      }
    }
  }
}
