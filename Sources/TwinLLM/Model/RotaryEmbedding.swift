import Foundation

/// Rotary position embedding: each pair of a head's dimensions is rotated by an angle that
/// grows with the position and shrinks with the pair's index.
///
/// Two layouts exist. GGUF Llama weights are permuted so that pairs are adjacent
/// (`x[2i], x[2i+1]`); Gemma and Qwen use the Hugging Face "rotate half" layout, pairing
/// `x[i]` with `x[i + d/2]`. Angles are computed the way llama.cpp does (a running product of
/// `base^(-2/d)` in Float), so results agree with it to the last bits that matter.
struct RotaryEmbedding: Sendable {
  enum Layout: Sendable { case adjacentPairs, halves }

  let dimensions: Int
  let base: Float
  let layout: Layout

  /// Rotates `heads` vectors of `headDimension` floats, laid out one after the other, for
  /// position `position`.
  func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, headDimension: Int, position: Int) {
    let pairs = dimensions / 2
    let thetaScale = powf(base, -2 / Float(dimensions))
    var cosines = [Float](repeating: 0, count: pairs)
    var sines = [Float](repeating: 0, count: pairs)
    var theta = Float(position)
    for i in 0..<pairs {
      cosines[i] = cosf(theta)
      sines[i] = sinf(theta)
      theta *= thetaScale
    }
    for h in 0..<heads {
      let v = x + h * headDimension
      for i in 0..<pairs {
        let (a, b) = layout == .adjacentPairs ? (2 * i, 2 * i + 1) : (i, i + pairs)
        let x0 = v[a]
        let x1 = v[b]
        v[a] = (-(x1 * sines[i])).addingProduct(x0, cosines[i])
        v[b] = (x1 * cosines[i]).addingProduct(x0, sines[i])
      }
    }
  }
}
