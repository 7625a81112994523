import Foundation
import Testing
import TwinTestSupport
import TwinTraining

/// The training loop: determinism, stopping and resuming, checkpoints, and that training
/// learns.
@Suite struct TrainerTests {
  static func examples(seed: UInt64, count: Int) -> [TrainingExample] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in
      let prompt = (0..<(2 + rng.below(3))).map { _ in Int32(rng.below(40)) }
      let answer = (0..<(3 + rng.below(5))).map { _ in Int32(rng.below(40)) }
      return TrainingExample(prompt: prompt, answer: answer)
    }
  }

  static let settings = TrainingSettings(
    epochs: 2, learningRate: 1e-2, batchSize: 2, gradientAccumulation: 2, maxLength: 24, warmupSteps: 2, seed: 3,
    checkpointEvery: 0, lora: LoRAConfiguration(rank: 4, alpha: 8, dropout: 0.1))

  static func trainer(_ settings: TrainingSettings = settings) throws -> SupervisedTrainer {
    let weights = RandomModel.weights(seed: 71)
    let adapter = LoRAAdapter(shape: weights.shape, configuration: settings.lora, seed: settings.seed)
    return try SupervisedTrainer(
      model: LoRADecoder(weights: weights, adapter: adapter), settings: settings, examples: examples(seed: 72, count: 24))
  }

  @Test func oneSeedGivesOneLossCurve() throws {
    let a = try Self.trainer().run()
    let b = try Self.trainer().run()
    #expect(a.losses == b.losses)
    #expect(a.steps > 4)
    var other = Self.settings
    other.seed = 4
    #expect(try Self.trainer(other).run().losses != a.losses)
  }

  @Test func aResumedRunEqualsAnUninterruptedOne() throws {
    let whole = try Self.trainer()
    let expected = try whole.run()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("twin-ckpt-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let first = try Self.trainer()
    var steps = 0
    let stopped = try first.run(checkpointDirectory: directory, events: { if case .step = $0 { steps += 1 } }) { steps == 3 }
    #expect(stopped.stopped && stopped.steps == 3)
    // A new process: fresh model and adapter, state from the checkpoint folder.
    let second = try Self.trainer()
    let checkpoint = try #require(try TrainingCheckpoint.latest(in: directory, adapter: second.model.adapter))
    #expect(checkpoint.step == 3)
    let resumed = try second.run(resumeFrom: checkpoint, checkpointDirectory: directory)
    #expect(resumed.losses == expected.losses)
    #expect(second.model.adapter.parameters.map(\.value.values) == whole.model.adapter.parameters.map(\.value.values))
    // Only the latest checkpoint is kept, and no partial folder is left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["step-\(String(format: "%08d", expected.steps))"])
  }

  @Test func trainingLowersTheLossOfWhatItTrainsOn() throws {
    var settings = Self.settings
    settings.epochs = 8
    settings.lora.dropout = 0
    let trainer = try Self.trainer(settings)
    let before = SupervisedTrainer.evaluate(trainer.model, trainer.examples, maxLength: 24)
    _ = try trainer.run()
    let after = SupervisedTrainer.evaluate(trainer.model, trainer.examples, maxLength: 24)
    #expect(after.loss < before.loss * 0.8, "loss \(before.loss) → \(after.loss)")
  }

  @Test func dpoRaisesTheRewardAccuracyOfItsPairs() throws {
    let weights = RandomModel.weights(seed: 81)
    var rng = SplitMix64(seed: 82)
    let pairs = (0..<8).map { _ in
      PreferenceExample(
        prompt: (0..<3).map { _ in Int32(rng.below(40)) }, chosen: (0..<4).map { _ in Int32(rng.below(20)) },
        rejected: (0..<4).map { _ in Int32(20 + rng.below(20)) })
    }
    var settings = TrainingSettings.preference
    settings.learningRate = 2e-2
    settings.epochs = 6
    settings.warmupSteps = 0
    settings.lora = LoRAConfiguration(rank: 4, alpha: 8)
    let model = LoRADecoder(weights: weights, adapter: LoRAAdapter(shape: weights.shape, configuration: settings.lora, seed: 1))
    let trainer = try PreferenceTrainer(model: model, settings: settings, pairs: pairs)
    let before = PreferenceTrainer.evaluate(model, pairs, beta: settings.beta, maxLength: 64)
    var references = 0
    let outcome = try trainer.run(events: { if case .reference = $0 { references += 1 } })
    let after = PreferenceTrainer.evaluate(model, pairs, beta: settings.beta, maxLength: 64)
    #expect(references == pairs.count)
    #expect(before.rewardAccuracy == 0, "an untrained adapter gives every pair a zero margin")
    #expect(after.rewardAccuracy! >= 0.9, "reward accuracy \(after.rewardAccuracy!)")
    #expect(after.loss < before.loss)
    #expect(outcome.losses.last! < outcome.losses.first!)
  }

  @Test func badSettingsAreNamed() throws {
    var settings = Self.settings
    settings.learningRate = 0
    #expect(throws: TrainingError.invalidSetting(name: "learning rate", reason: "0.0 is not in (0, 1)")) {
      try Self.trainer(settings)
    }
    settings = Self.settings
    settings.lora.rank = 0
    #expect(throws: TrainingError.invalidSetting(name: "lora rank", reason: "0 is not in 1…1024")) { try Self.trainer(settings) }
    let weights = RandomModel.weights(seed: 1)
    let model = LoRADecoder(weights: weights, adapter: LoRAAdapter(shape: weights.shape, configuration: .init(rank: 2), seed: 1))
    #expect(throws: TrainingError.emptyDataset("instruct@1")) {
      try SupervisedTrainer(
        model: model, settings: Self.settings, examples: [TrainingExample(prompt: [1, 2], answer: [])], datasetName: "instruct@1")
    }
  }
}
