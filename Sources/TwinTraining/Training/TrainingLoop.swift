import Foundation

/// The part of training that SFT and DPO share: steps, the schedule, clipping, AdamW,
/// checkpoints, stopping and progress. The objective comes in as `body`, which accumulates the
/// gradients of one step and returns its loss.
struct TrainingLoop {
  var adapter: LoRAAdapter
  var settings: TrainingSettings
  var totalSteps: Int
  var checkpointDirectory: URL?

  struct StepResult {
    var loss: Double
    var tokens: Int
    var rewardAccuracy: Double?
    var rewardMargin: Double?
  }

  /// Runs steps `start..<totalSteps`; `epochOf(step)` is the step's epoch (1-based).
  func run(
    resumeFrom checkpoint: TrainingCheckpoint?, epochOf: (Int) -> Int, events: (TrainingEvent) -> Void,
    shouldStop: () -> Bool, evaluate: (Int) -> Void, body: (Int) -> StepResult
  ) throws -> TrainingOutcome {
    let parameters = adapter.parameters
    let optimizer = AdamW(settings: settings.optimizer, parameters: parameters.map(\.value))
    var losses: [Double] = []
    var start = 0
    if let checkpoint {
      checkpoint.restore(into: adapter, optimizer: optimizer)
      losses = checkpoint.losses
      start = checkpoint.step
    }
    let schedule = LearningRateSchedule(
      peak: settings.learningRate, warmupSteps: settings.warmupSteps, totalSteps: totalSteps)
    let clock = ContinuousClock()
    let began = clock.now
    var tokens = 0
    func save(_ step: Int) throws {
      guard let checkpointDirectory else { return }
      try TrainingCheckpoint(step: step, adapter: adapter, optimizer: optimizer, losses: losses)
        .save(in: checkpointDirectory, adapter: adapter)
      events(.checkpoint(step: step, checkpointDirectory))
    }
    for step in start..<totalSteps {
      adapter.zeroGradients()
      let result = body(step)
      let norm = clipGradientNorm(
        parameters.map(\.gradient), maxNorm: settings.maxGradientNorm > 0 ? settings.maxGradientNorm : .infinity)
      let rate = schedule.rate(at: step)
      optimizer.step(parameters.map { ($0.value, $0.gradient) }, learningRate: rate)
      losses.append(result.loss)
      tokens += result.tokens
      let elapsed = (clock.now - began) / .seconds(1)
      let done = step + 1 - start
      events(
        .step(
          StepReport(
            step: step + 1, totalSteps: totalSteps, epoch: epochOf(step), loss: result.loss, learningRate: rate,
            gradientNorm: norm, tokens: result.tokens, tokensPerSecond: Double(tokens) / max(elapsed, 1e-9),
            secondsRemaining: elapsed / Double(done) * Double(totalSteps - step - 1),
            rewardAccuracy: result.rewardAccuracy, rewardMargin: result.rewardMargin)))
      if settings.evaluateEvery > 0, (step + 1) % settings.evaluateEvery == 0, step + 1 < totalSteps {
        evaluate(step + 1)
      }
      let last = step + 1 == totalSteps
      if shouldStop(), !last {
        try save(step + 1)
        return TrainingOutcome(
          steps: step + 1, stopped: true, losses: losses, tokensPerSecond: Double(tokens) / max(elapsed, 1e-9))
      }
      if last || (settings.checkpointEvery > 0 && (step + 1) % settings.checkpointEvery == 0) { try save(step + 1) }
    }
    let elapsed = (clock.now - began) / .seconds(1)
    return TrainingOutcome(
      steps: totalSteps, stopped: false, losses: losses, tokensPerSecond: Double(tokens) / max(elapsed, 1e-9))
  }
}
