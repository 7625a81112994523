import Foundation

/// Direct preference optimisation: the policy is the model with its adapter, the reference the
/// same weights with the adapter off.
///
/// Start it on a model whose frozen weights are the SFT model (the SFT adapter merged, see
/// ``FrozenDecoderWeights/merging(_:)``) and a fresh adapter: the reference is then the SFT
/// model, as in the Handbook, and one copy of the weights serves both.
public struct PreferenceTrainer: Sendable {
  /// The model whose adapter trains.
  public let model: LoRADecoder
  /// The run's settings (β among them).
  public let settings: TrainingSettings
  /// The training pairs.
  public let pairs: [PreferenceExample]
  let order: [[Int]]

  /// A trainer over `pairs`.
  ///
  /// - Throws: ``TrainingError/invalidSetting(name:reason:)`` for settings out of range;
  ///   ``TrainingError/emptyDataset(_:)`` when there is no pair.
  public init(model: LoRADecoder, settings: TrainingSettings, pairs: [PreferenceExample], datasetName: String = "training split")
    throws
  {
    try settings.validate()
    let usable = pairs.filter { !$0.chosen.isEmpty && !$0.rejected.isEmpty }
    guard !usable.isEmpty else { throw TrainingError.emptyDataset(datasetName) }
    self.model = model
    self.settings = settings
    self.pairs = usable
    // The order of each epoch: the packer's seeded shuffle, one pair per "sequence".
    let packer = SequencePacker(maxLength: Int.max / 2, packing: false, seed: settings.seed)
    let indexed = usable.indices.map { TrainingExample(tokens: [Int32($0), 0], trained: [true, true]) }
    order = (0..<settings.epochs).map { packer.sequences(indexed, epoch: $0).map { Int($0.tokens[0]) } }
  }

  private var steps: [(epoch: Int, pairs: ArraySlice<Int>)] {
    order.enumerated().flatMap { e, indices in
      stride(from: 0, to: indices.count, by: settings.sequencesPerStep).map { i in
        (e + 1, indices[i..<min(i + settings.sequencesPerStep, indices.count)])
      }
    }
  }

  /// Optimiser steps in the whole run.
  public var totalSteps: Int { steps.count }

  /// The sequence of `prompt + answer` with the loss on the answer, cut to `maxLength`.
  static func sequence(_ prompt: [Int32], _ answer: [Int32], maxLength: Int) -> PackedSequence {
    let example = TrainingExample(prompt: prompt, answer: answer).truncated(to: maxLength)
    var s = PackedSequence()
    s.append(tokens: example.tokens, trained: example.trained)
    return s
  }

  /// Summed log-probabilities of the chosen and rejected answers.
  static func logProbabilities(
    _ model: LoRADecoder, _ pair: PreferenceExample, maxLength: Int, adapter: Bool
  ) -> (chosen: Double, rejected: Double) {
    let options = LoRADecoder.PassOptions(adapterEnabled: adapter, checkpointing: true)
    let c = model.forward(sequence(pair.prompt, pair.chosen, maxLength: maxLength), options: options)
    let r = model.forward(sequence(pair.prompt, pair.rejected, maxLength: maxLength), options: options)
    return (c.sampleLogProbabilities[0], r.sampleLogProbabilities[0])
  }

  /// Trains from the start, or from `checkpoint`, to the end or until `shouldStop()`.
  public func run(
    resumeFrom checkpoint: TrainingCheckpoint? = nil, checkpointDirectory: URL? = nil, evaluation: [PreferenceExample] = [],
    events: (TrainingEvent) -> Void = { _ in }, shouldStop: () -> Bool = { false }
  ) throws -> TrainingOutcome {
    // The reference never changes: score every pair once with the adapter off.
    var reference: [(chosen: Double, rejected: Double)] = []
    for (i, pair) in pairs.enumerated() {
      reference.append(Self.logProbabilities(model, pair, maxLength: settings.maxLength, adapter: false))
      events(.reference(completed: i + 1, total: pairs.count))
    }
    let steps = self.steps
    let loop = TrainingLoop(
      adapter: model.adapter, settings: settings, totalSteps: steps.count, checkpointDirectory: checkpointDirectory)
    let beta = Double(settings.beta)
    return try loop.run(
      resumeFrom: checkpoint, epochOf: { steps[$0].epoch }, events: events, shouldStop: shouldStop,
      evaluate: { step in
        guard !evaluation.isEmpty else { return }
        events(.evaluation(step: step, Self.evaluate(model, evaluation, beta: settings.beta, maxLength: settings.maxLength)))
      }
    ) { step in
      let batch = steps[step].pairs
      var (loss, tokens, wins, margins) = (0.0, 0, 0, 0.0)
      for (i, index) in batch.enumerated() {
        let pair = pairs[index]
        let seed = settings.lora.dropout > 0 ? settings.seed &* 0x100_0000_01B3 &+ UInt64(step) &* 4096 &+ UInt64(2 * i) : nil
        let options = LoRADecoder.PassOptions(dropoutSeed: seed, checkpointing: settings.gradientCheckpointing)
        let chosen = model.forward(Self.sequence(pair.prompt, pair.chosen, maxLength: settings.maxLength), options: options)
        var rejectedOptions = options
        rejectedOptions.dropoutSeed = seed.map { $0 &+ 1 }
        let rejected = model.forward(
          Self.sequence(pair.prompt, pair.rejected, maxLength: settings.maxLength), options: rejectedOptions)
        let r = Objective.preference(
          policyChosen: chosen.sampleLogProbabilities[0], policyRejected: rejected.sampleLogProbabilities[0],
          referenceChosen: reference[index].chosen, referenceRejected: reference[index].rejected, beta: beta,
          pairsInStep: batch.count)
        model.backward(chosen, upstream: [Float](repeating: r.chosenUpstream, count: chosen.tokenLogProbabilities.count))
        model.backward(
          rejected, upstream: [Float](repeating: r.rejectedUpstream, count: rejected.tokenLogProbabilities.count))
        loss += r.loss
        tokens += chosen.sequence.count + rejected.sequence.count
        if r.margin > 0 { wins += 1 }
        margins += r.margin / beta
      }
      return .init(
        loss: loss, tokens: tokens, rewardAccuracy: Double(wins) / Double(batch.count),
        rewardMargin: margins / Double(batch.count))
    }
  }

  /// DPO loss, reward accuracy and margin of `pairs` against the reference (adapter off), and
  /// how often the model itself prefers the chosen answer.
  public static func evaluate(_ model: LoRADecoder, _ pairs: [PreferenceExample], beta: Float, maxLength: Int)
    -> EvaluationResult
  {
    evaluate(policy: (model, true), reference: (model, false), pairs, beta: beta, maxLength: maxLength)
  }

  /// The same metrics for any policy and reference, each a model and whether its adapter is on
  /// (a DPO model stored as one stacked adapter is scored against its SFT parent this way).
  public static func evaluate(
    policy: (LoRADecoder, Bool), reference: (LoRADecoder, Bool), _ pairs: [PreferenceExample], beta: Float, maxLength: Int
  ) -> EvaluationResult {
    var (loss, wins, prefers, margins) = (0.0, 0, 0, 0.0)
    for pair in pairs {
      let p = logProbabilities(policy.0, pair, maxLength: maxLength, adapter: policy.1)
      let r = logProbabilities(reference.0, pair, maxLength: maxLength, adapter: reference.1)
      let o = Objective.preference(
        policyChosen: p.chosen, policyRejected: p.rejected, referenceChosen: r.chosen, referenceRejected: r.rejected,
        beta: Double(beta), pairsInStep: 1)
      loss += o.loss
      if o.margin > 0 { wins += 1 }
      if p.chosen > p.rejected { prefers += 1 }
      margins += o.margin / Double(beta)
    }
    let n = Double(max(pairs.count, 1))
    return EvaluationResult(
      loss: loss / n, perplexity: nil, rewardAccuracy: Double(wins) / n, preferenceAccuracy: Double(prefers) / n,
      rewardMargin: margins / n, count: pairs.count)
  }
}
