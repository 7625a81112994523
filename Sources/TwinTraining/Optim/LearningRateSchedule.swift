/// Linear warm-up, then linear decay to zero (transformers' `get_linear_schedule_with_warmup`).
public struct LearningRateSchedule: Sendable, Hashable, Codable {
  /// The peak learning rate.
  public var peak: Float
  /// Steps of warm-up from 0 to the peak.
  public var warmupSteps: Int
  /// Steps in all; the rate reaches 0 at this step.
  public var totalSteps: Int

  /// A schedule peaking at `peak` after `warmupSteps`, reaching 0 at `totalSteps`.
  public init(peak: Float, warmupSteps: Int, totalSteps: Int) {
    self.peak = peak
    self.warmupSteps = warmupSteps
    self.totalSteps = totalSteps
  }

  /// The learning rate of optimiser step `step` (0-based).
  public func rate(at step: Int) -> Float {
    if step < warmupSteps { return peak * Float(step) / Float(max(1, warmupSteps)) }
    return peak * max(0, Float(totalSteps - step) / Float(max(1, totalSteps - warmupSteps)))
  }
}

/// Scales gradients so that their global L2 norm is at most `maxNorm` (torch's
/// `clip_grad_norm_`); returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ gradients: [Tensor], maxNorm: Float) -> Float {
  var sum: Double = 0
  for g in gradients {
    for i in 0..<g.count { sum += Double(g.data[i]) * Double(g.data[i]) }
  }
  let norm = Float(sum.squareRoot())
  let factor = maxNorm / (norm + 1e-6)
  if factor < 1 {
    for g in gradients {
      for i in 0..<g.count { g.data[i] *= factor }
    }
  }
  return norm
}
