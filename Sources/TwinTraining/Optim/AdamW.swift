import Foundation

/// AdamW (Loshchilov and Hutter), as `torch.optim.AdamW` computes it:
///
///     θ ← θ − η λ θ
///     m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
///     θ ← θ − η (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
public final class AdamW: @unchecked Sendable {
  /// The optimiser's settings.
  public struct Settings: Codable, Sendable, Hashable {
    /// `β₁`.
    public var beta1: Float = 0.9
    /// `β₂`.
    public var beta2: Float = 0.999
    /// `ε`.
    public var epsilon: Float = 1e-8
    /// `λ`, the decoupled weight decay (the Handbook's 0.01).
    public var weightDecay: Float = 0.01

    /// torch's defaults with the Handbook's weight decay.
    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
      self.beta1 = beta1
      self.beta2 = beta2
      self.epsilon = epsilon
      self.weightDecay = weightDecay
    }
  }

  /// The settings.
  public let settings: Settings
  /// The first moments, one per parameter (in the order of the parameters given to ``step(_:learningRate:)``).
  public private(set) var firstMoments: [Tensor]
  /// The second moments.
  public private(set) var secondMoments: [Tensor]
  /// Steps taken (`t`).
  public private(set) var steps: Int

  /// An optimiser for parameters shaped like `shapes`, with zero moments.
  public init(settings: Settings, parameters: [Tensor]) {
    self.settings = settings
    firstMoments = parameters.map { Tensor(rows: $0.rows, cols: $0.cols) }
    secondMoments = parameters.map { Tensor(rows: $0.rows, cols: $0.cols) }
    steps = 0
  }

  /// Restores moments and the step count (from a checkpoint).
  public func restore(firstMoments m: [[Float]], secondMoments v: [[Float]], steps: Int) {
    precondition(m.count == firstMoments.count && v.count == secondMoments.count, "moment count mismatch")
    for (tensor, values) in zip(firstMoments, m) { tensor.assign(Tensor(rows: tensor.rows, cols: tensor.cols, values: values)) }
    for (tensor, values) in zip(secondMoments, v) { tensor.assign(Tensor(rows: tensor.rows, cols: tensor.cols, values: values)) }
    self.steps = steps
  }

  /// Updates each `(value, gradient)` pair in place with learning rate `learningRate`.
  public func step(_ parameters: [(value: Tensor, gradient: Tensor)], learningRate: Float) {
    precondition(parameters.count == firstMoments.count, "parameter count mismatch")
    steps += 1
    let s = settings
    let correction1 = 1 - powf(s.beta1, Float(steps))
    let correction2 = 1 - powf(s.beta2, Float(steps))
    let stepSize = learningRate / correction1
    let decay = 1 - learningRate * s.weightDecay
    for (index, p) in parameters.enumerated() {
      let (theta, g, m, v) = (p.value.data, p.gradient.data, firstMoments[index].data, secondMoments[index].data)
      for i in 0..<p.value.count {
        theta[i] *= decay
        m[i] = s.beta1 * m[i] + (1 - s.beta1) * g[i]
        v[i] = s.beta2 * v[i] + (1 - s.beta2) * g[i] * g[i]
        let denominator = (v[i] / correction2).squareRoot() + s.epsilon
        theta[i] -= stepSize * m[i] / denominator
      }
    }
  }
}
