import Foundation

/// Supervised fine-tuning: the mean negative log-likelihood of the answers' tokens.
public struct SupervisedTrainer: Sendable {
  /// The model whose adapter trains.
  public let model: LoRADecoder
  /// The run's settings.
  public let settings: TrainingSettings
  /// The training split.
  public let examples: [TrainingExample]
  /// The sequences of each epoch, in order.
  let epochs: [[PackedSequence]]

  /// A trainer over `examples`.
  ///
  /// - Throws: ``TrainingError/invalidSetting(name:reason:)`` for settings out of range;
  ///   ``TrainingError/emptyDataset(_:)`` when no example has a token to learn.
  public init(model: LoRADecoder, settings: TrainingSettings, examples: [TrainingExample], datasetName: String = "training split")
    throws
  {
    try settings.validate()
    let packer = SequencePacker(maxLength: settings.maxLength, packing: settings.packing, seed: settings.seed)
    let epochs = (0..<settings.epochs).map { packer.sequences(examples, epoch: $0) }
    guard let first = epochs.first, !first.isEmpty else { throw TrainingError.emptyDataset(datasetName) }
    self.model = model
    self.settings = settings
    self.examples = examples
    self.epochs = epochs
  }

  /// `(epoch, sequences)` of every optimiser step.
  private var steps: [(epoch: Int, sequences: ArraySlice<PackedSequence>)] {
    epochs.enumerated().flatMap { e, sequences in
      stride(from: 0, to: sequences.count, by: settings.sequencesPerStep).map { i in
        (e + 1, sequences[i..<min(i + settings.sequencesPerStep, sequences.count)])
      }
    }
  }

  /// Optimiser steps in the whole run.
  public var totalSteps: Int { steps.count }

  /// Trains from the start, or from `checkpoint`, to the end or until `shouldStop()` returns
  /// true after a step (then a checkpoint is written to `checkpointDirectory`).
  public func run(
    resumeFrom checkpoint: TrainingCheckpoint? = nil, checkpointDirectory: URL? = nil, evaluation: [TrainingExample] = [],
    events: (TrainingEvent) -> Void = { _ in }, shouldStop: () -> Bool = { false }
  ) throws -> TrainingOutcome {
    let steps = self.steps
    let loop = TrainingLoop(
      adapter: model.adapter, settings: settings, totalSteps: steps.count, checkpointDirectory: checkpointDirectory)
    return try loop.run(
      resumeFrom: checkpoint, epochOf: { steps[$0].epoch }, events: events, shouldStop: shouldStop,
      evaluate: { step in
        guard !evaluation.isEmpty else { return }
        events(.evaluation(step: step, Self.evaluate(model, evaluation, maxLength: settings.maxLength)))
      }
    ) { step in
      let sequences = Array(steps[step].sequences)
      let labelled = sequences.reduce(0) { $0 + $1.labelledRows.count }
      var loss = 0.0
      var tokens = 0
      // A micro-batch runs as one pass over its sequences laid end to end: the same numbers,
      // in products `batchSize` times taller.
      for (i, start) in stride(from: 0, to: sequences.count, by: settings.batchSize).enumerated() {
        let batch = sequences[start..<min(start + settings.batchSize, sequences.count)]
        let sequence = batch.dropFirst().reduce(batch.first!) { $0.appending($1) }
        let seed = settings.lora.dropout > 0 ? settings.seed &* 0x100_0000_01B3 &+ UInt64(step) &* 4096 &+ UInt64(i) : nil
        let upstream = Objective.supervisedUpstream(sequence, tokensInStep: labelled)
        let pass = model.forward(
          sequence, options: .init(dropoutSeed: seed, checkpointing: settings.gradientCheckpointing), upstream: upstream)
        let (l, _) = Objective.supervised(pass, tokensInStep: labelled)
        model.backward(pass, upstream: upstream)
        loss += l
        tokens += sequence.count
      }
      return .init(loss: loss, tokens: tokens)
    }
  }

  /// The mean negative log-likelihood per answer token of `examples` (each alone, cut to
  /// `maxLength`) and its perplexity, with the adapter on or (the base model) off.
  public static func evaluate(
    _ model: LoRADecoder, _ examples: [TrainingExample], maxLength: Int, adapterEnabled: Bool = true
  ) -> EvaluationResult {
    let scored = examples.compactMap { answerLogLikelihood(model, $0, maxLength: maxLength, adapterEnabled: adapterEnabled) }
    let count = scored.reduce(0) { $0 + $1.tokens }
    let loss = count > 0 ? -scored.reduce(0.0) { $0 + $1.sum } / Double(count) : .nan
    return EvaluationResult(loss: loss, perplexity: exp(loss), count: examples.count)
  }

  /// The summed log-probability of `example`'s answer tokens (cut to `maxLength`) and how many
  /// there are; nil when no answer token is left.
  public static func answerLogLikelihood(
    _ model: LoRADecoder, _ example: TrainingExample, maxLength: Int, adapterEnabled: Bool = true
  ) -> (sum: Double, tokens: Int)? {
    let e = example.truncated(to: maxLength)
    guard e.labelledCount > 0 else { return nil }
    var sequence = PackedSequence()
    sequence.append(tokens: e.tokens, trained: e.trained)
    let pass = model.forward(sequence, options: .init(adapterEnabled: adapterEnabled, checkpointing: true))
    return (pass.tokenLogProbabilities.reduce(0.0) { $0 + Double($1) }, pass.tokenLogProbabilities.count)
  }
}
