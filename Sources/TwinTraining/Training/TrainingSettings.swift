/// How a training run goes: the schedule, batching, adapter and objective's settings.
///
/// ``supervised`` and ``preference`` hold the Handbook's values where they fit a CPU: its SFT
/// (LoRA r = 32, α = 32, learning rate 3e-4, 3 epochs, packing, AdamW with weight decay 0.01, a
/// linear schedule with 10 warm-up steps, seed 0) and its DPO (β = 0.5, learning rate 2e-6, one
/// epoch). The sequence length is 512 rather than 2,048 and the batch 2 × 4 rather than 2 × 8:
/// a step on a laptop's cores should take seconds, not minutes.
public struct TrainingSettings: Codable, Sendable, Hashable {
  /// Passes over the training split.
  public var epochs: Int
  /// The peak learning rate.
  public var learningRate: Float
  /// Sequences per micro-batch.
  public var batchSize: Int
  /// Micro-batches per optimiser step.
  public var gradientAccumulation: Int
  /// The longest sequence, in tokens.
  public var maxLength: Int
  /// Lay several samples into one sequence (SFT).
  public var packing: Bool
  /// Train on the answer's tokens only (SFT); otherwise on every token after the first.
  public var answerOnlyLoss: Bool
  /// Steps of linear warm-up.
  public var warmupSteps: Int
  /// The seed of the adapter's initialisation, the data order and dropout.
  public var seed: UInt64
  /// Evaluate on the test split every this many steps (0: only at the end).
  public var evaluateEvery: Int
  /// Save a checkpoint every this many steps (0: only when stopped and at the end).
  public var checkpointEvery: Int
  /// Clip the global gradient norm to this (0: no clipping).
  public var maxGradientNorm: Float
  /// Recompute each layer's activations in backward instead of keeping them.
  public var gradientCheckpointing: Bool
  /// The adapter.
  public var lora: LoRAConfiguration
  /// The optimiser.
  public var optimizer: AdamW.Settings
  /// DPO's β: how far the policy may move from the reference.
  public var beta: Float

  /// Settings given field by field; the defaults are the supervised preset's.
  public init(
    epochs: Int = 3, learningRate: Float = 3e-4, batchSize: Int = 2, gradientAccumulation: Int = 4, maxLength: Int = 512,
    packing: Bool = true, answerOnlyLoss: Bool = true, warmupSteps: Int = 10, seed: UInt64 = 0, evaluateEvery: Int = 0,
    checkpointEvery: Int = 50, maxGradientNorm: Float = 1, gradientCheckpointing: Bool = false,
    lora: LoRAConfiguration = LoRAConfiguration(), optimizer: AdamW.Settings = AdamW.Settings(), beta: Float = 0.5
  ) {
    self.epochs = epochs
    self.learningRate = learningRate
    self.batchSize = batchSize
    self.gradientAccumulation = gradientAccumulation
    self.maxLength = maxLength
    self.packing = packing
    self.answerOnlyLoss = answerOnlyLoss
    self.warmupSteps = warmupSteps
    self.seed = seed
    self.evaluateEvery = evaluateEvery
    self.checkpointEvery = checkpointEvery
    self.maxGradientNorm = maxGradientNorm
    self.gradientCheckpointing = gradientCheckpointing
    self.lora = lora
    self.optimizer = optimizer
    self.beta = beta
  }

  /// Supervised fine-tuning's defaults.
  public static let supervised = TrainingSettings()

  /// DPO's defaults: β = 0.5, learning rate 2e-6, one epoch, no packing (pairs are compared
  /// whole).
  public static let preference = TrainingSettings(epochs: 1, learningRate: 2e-6, packing: false)

  /// Sequences per optimiser step.
  public var sequencesPerStep: Int { batchSize * gradientAccumulation }

  /// Throws ``TrainingError/invalidSetting(name:reason:)`` naming the first setting out of range.
  public func validate() throws(TrainingError) {
    func check(_ ok: Bool, _ name: String, _ reason: String) throws(TrainingError) {
      if !ok { throw .invalidSetting(name: name, reason: reason) }
    }
    try check((1...1000).contains(epochs), "epochs", "\(epochs) is not in 1…1000")
    try check(learningRate > 0 && learningRate < 1, "learning rate", "\(learningRate) is not in (0, 1)")
    try check((1...4096).contains(batchSize), "batch size", "\(batchSize) is not in 1…4096")
    try check((1...4096).contains(gradientAccumulation), "gradient accumulation", "\(gradientAccumulation) is not in 1…4096")
    try check((8...131_072).contains(maxLength), "max length", "\(maxLength) is not in 8…131072")
    try check(warmupSteps >= 0, "warmup steps", "\(warmupSteps) is negative")
    try check(evaluateEvery >= 0, "evaluate every", "\(evaluateEvery) is negative")
    try check(checkpointEvery >= 0, "checkpoint every", "\(checkpointEvery) is negative")
    try check(maxGradientNorm >= 0, "max gradient norm", "\(maxGradientNorm) is negative")
    try check(beta > 0 && beta.isFinite, "beta", "\(beta) is not positive")
    try check(optimizer.weightDecay >= 0, "weight decay", "\(optimizer.weightDecay) is negative")
    try lora.validate()
  }
}
