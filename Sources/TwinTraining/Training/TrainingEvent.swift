import Foundation

/// What one optimiser step did.
public struct StepReport: Sendable, Hashable, Codable {
  /// Steps completed, counting this one.
  public var step: Int
  /// Steps in the whole run.
  public var totalSteps: Int
  /// The epoch this step belongs to (1-based).
  public var epoch: Int
  /// The step's loss (SFT: mean negative log-likelihood per answer token; DPO: mean −log σ(z)).
  public var loss: Double
  /// The learning rate the step used.
  public var learningRate: Float
  /// The global gradient norm before clipping.
  public var gradientNorm: Float
  /// Tokens the step ran through the model (forward and backward).
  public var tokens: Int
  /// Tokens per second over the run so far (this session of it, when resumed).
  public var tokensPerSecond: Double
  /// Estimated seconds to the end.
  public var secondsRemaining: Double
  /// DPO: the fraction of the step's pairs whose chosen answer earned the larger reward.
  public var rewardAccuracy: Double?
  /// DPO: the mean reward margin `z / β`.
  public var rewardMargin: Double?
}

/// What a trainer reports as it goes.
public enum TrainingEvent: Sendable {
  /// DPO's reference pass: `completed` of `total` pairs scored with the adapter off.
  case reference(completed: Int, total: Int)
  /// An optimiser step finished.
  case step(StepReport)
  /// The test split was evaluated after `step` steps.
  case evaluation(step: Int, EvaluationResult)
  /// A checkpoint was written after `step` steps.
  case checkpoint(step: Int, URL)
}

/// Metrics on a held-out split.
public struct EvaluationResult: Sendable, Hashable, Codable {
  /// Mean negative log-likelihood per answer token (SFT), or mean DPO loss.
  public var loss: Double
  /// `exp(loss)` for SFT: the perplexity of the answers.
  public var perplexity: Double?
  /// DPO: fraction of pairs whose chosen answer earned the larger implicit reward.
  public var rewardAccuracy: Double?
  /// DPO: fraction of pairs where the model gives the chosen answer the higher log-probability.
  public var preferenceAccuracy: Double?
  /// DPO: mean reward margin.
  public var rewardMargin: Double?
  /// Samples (SFT) or pairs (DPO) evaluated.
  public var count: Int
}

/// How a run ended.
public struct TrainingOutcome: Sendable {
  /// Steps completed in all (including those before a resume).
  public var steps: Int
  /// Whether the run was stopped before its last step (a checkpoint holds its state).
  public var stopped: Bool
  /// The loss of every step, in order, across resumes.
  public var losses: [Double]
  /// Mean training tokens per second in this session.
  public var tokensPerSecond: Double
}
