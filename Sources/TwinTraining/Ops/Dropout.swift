import TwinCore

/// Inverted dropout with a mask drawn from a seed: elements are kept with probability `1 − p`
/// and scaled by `1 / (1 − p)`.
///
/// The mask is a function of the seed alone, so a recomputed forward pass (gradient
/// checkpointing) and the backward pass see the same mask without storing it.
public struct Dropout: Sendable {
  /// The probability of dropping an element, in `0..<1`.
  public var probability: Float
  /// Fixes the mask: one per step, layer and projection.
  public var seed: UInt64

  /// Dropout with probability `probability` and the mask fixed by `seed`.
  public init(probability: Float, seed: UInt64) {
    self.probability = probability
    self.seed = seed
  }

  private func forEachFactor(count: Int, _ body: (Int, Float) -> Void) {
    var random = RandomSource(seed: seed)
    let keep = 1 / (1 - probability)
    for i in 0..<count { body(i, Float(random.unit()) < probability ? 0 : keep) }
  }

  /// `x ⊙ mask`, as a new tensor.
  public func apply(to x: Tensor) -> Tensor {
    let out = Tensor(rows: x.rows, cols: x.cols)
    forEachFactor(count: x.count) { i, f in out.data[i] = x.data[i] * f }
    return out
  }

  /// `g ← g ⊙ mask`, in place: the gradient through the dropout.
  public func backward(_ g: Tensor) {
    forEachFactor(count: g.count) { i, f in g.data[i] *= f }
  }
}
