import Foundation

/// The training objectives, as upstream gradients for ``LoRADecoder/backward(_:upstream:)``.
public enum Objective {
  /// Supervised fine-tuning: the mean negative log-likelihood of every labelled token across
  /// the passes of one optimiser step (`tokens` of them), as transformers computes the loss with
  /// gradient accumulation. Returns the summed loss contribution and the upstream gradient of
  /// one pass.
  public static func supervised(_ pass: LoRADecoder.Pass, tokensInStep tokens: Int) -> (loss: Double, upstream: [Float]) {
    let loss = -pass.tokenLogProbabilities.reduce(0.0) { $0 + Double($1) } / Double(max(tokens, 1))
    return (loss, supervisedUpstream(pass.sequence, tokensInStep: tokens))
  }

  /// SFT's upstream gradient for `sequence`, known before its forward pass: `−1/N` per
  /// labelled token (see ``LoRADecoder/forward(_:options:upstream:)``).
  public static func supervisedUpstream(_ sequence: PackedSequence, tokensInStep tokens: Int) -> [Float] {
    [Float](repeating: -1 / Float(max(tokens, 1)), count: sequence.labelledRows.count)
  }

  /// Direct preference optimisation (Rafailov et al.) for one pair:
  ///
  ///     z = β ((log π(c) − log π_ref(c)) − (log π(r) − log π_ref(r))),   L = −log σ(z)
  ///
  /// with each log-probability summed over the answer's tokens. Returns `L`, the implicit
  /// rewards' margin `z`, and `∂L/∂ log π(c)` and `∂L/∂ log π(r)` (which every labelled token
  /// of that answer receives), scaled by `1 / pairsInStep`.
  public static func preference(
    policyChosen: Double, policyRejected: Double, referenceChosen: Double, referenceRejected: Double, beta: Double,
    pairsInStep: Int
  ) -> (loss: Double, margin: Double, chosenUpstream: Float, rejectedUpstream: Float) {
    let z = beta * ((policyChosen - referenceChosen) - (policyRejected - referenceRejected))
    // −log σ(z) = log(1 + e^{−z}), written to stay finite for large |z|.
    let loss = z > 0 ? log1p(exp(-z)) : -z + log1p(exp(z))
    let sigmoidNegative = 1 / (1 + exp(z))
    let scale = 1 / Double(max(pairsInStep, 1))
    let g = Float(beta * sigmoidNegative * scale)
    return (loss * scale, z, -g, g)
  }
}
