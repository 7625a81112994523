import Foundation
import TwinCore
import TwinGGUF
import TwinLLM
import TwinOrchestrator
import TwinWeights

/// The training pipeline: tokenise a dataset version with the base model's chat template →
/// train a LoRA adapter (SFT or DPO) → evaluate the test split before and after → register
/// the model version with its lineage.
///
/// The adapter's files go to the blob store; the steps pass manifests. Training checkpoints go
/// to `checkpoints`, a folder per model name and configuration, which `resume` continues from.
public enum TrainingPipeline {
  public static let name = "training"
  public static let tokenized = ArtifactKey<TokenizedDataset>(step: "tokenize_dataset")
  public static let trained = ArtifactKey<TrainedAdapter>(step: "train")
  public static let evaluated = ArtifactKey<TrainingEvaluation>(step: "evaluate")
  public static let registered = ArtifactKey<RegisteredModel>(step: "register_model")

  /// What to train.
  public struct Request: Sendable {
    public var method: TrainingMethod
    /// The model's name in the registry.
    public var name: String
    /// The catalog name of the GGUF base and its file.
    public var baseModel: String
    public var baseFile: URL
    /// DPO: the SFT model it starts from (its adapter is merged into the frozen weights).
    public var parent: ModelVersion?
    public var dataset: DatasetVersion
    public var settings: TrainingSettings
    /// Continue from the latest checkpoint of the same configuration, if any.
    public var resume: Bool
    /// The folder that holds checkpoint folders.
    public var checkpoints: URL

    public init(
      method: TrainingMethod, name: String, baseModel: String, baseFile: URL, parent: ModelVersion?, dataset: DatasetVersion,
      settings: TrainingSettings, resume: Bool, checkpoints: URL
    ) {
      self.method = method
      self.name = name
      self.baseModel = baseModel
      self.baseFile = baseFile
      self.parent = parent
      self.dataset = dataset
      self.settings = settings
      self.resume = resume
      self.checkpoints = checkpoints
    }
  }

  /// The experiment runs' experiment.
  public static let experiment = ExperimentName.training

  /// - Parameter tracker: Where the run is recorded as an experiment run (its id is the
  ///   pipeline run's): parameters, metrics by step, system metrics, the adapter's files. The
  ///   caller marks it failed or interrupted when the pipeline ends so; the register step
  ///   finishes it.
  /// - Throws: ``TwinError/invalidInput(_:)`` for a bad name, a dataset of the wrong kind or
  ///   settings out of range.
  public static func pipeline(
    request: Request, datasets: any DatasetStore, registry: any ModelRegistry, blobs: ArtifactBlobStore,
    tracker: (any ExperimentTracker)? = nil
  ) throws -> Pipeline {
    guard ModelReference.isValidName(request.name) else {
      throw TwinError.invalidInput("'\(request.name)' is not a model name: use letters, digits, '-', '_' and '.'")
    }
    let expected: DatasetKind = request.method == .sft ? .instruct : .preference
    guard request.dataset.kind == expected else {
      throw TwinError.invalidInput(
        "\(request.method) trains on \(expected) data; \(request.dataset.label) is a \(request.dataset.kind) dataset")
    }
    do { try request.settings.validate() } catch { throw TwinError.invalidInput("\(error)") }
    let settings = request.settings
    let settingsJSON = try JSONValue.from(settings)
    let parameters = JSONValue.object([
      "method": .string(request.method.rawValue), "name": .string(request.name), "base_model": .string(request.baseModel),
      "parent": request.parent.map { .string($0.label) } ?? .null, "dataset": .string(request.dataset.label),
      "dataset_hash": .string(request.dataset.contentHash), "settings": settingsJSON,
    ])
    let model = ModelLoader(request: request, blobs: blobs)
    let checkpointFolder = request.checkpoints.appendingPathComponent(
      "\(request.name)-\(request.method)-\(SHA256Digest.hex(of: parameters.canonicalJSON).prefix(12))")

    return try Pipeline(
      name: name, parameters: parameters,
      steps: [
        Step(
          tokenized, codeVersion: "1",
          parameters: .object([
            "dataset": .string(request.dataset.label), "dataset_hash": .string(request.dataset.contentHash),
            "base_model": .string(request.baseModel), "answer_only": .bool(settings.answerOnlyLoss),
          ]), outputName: "tokenized_dataset"
        ) { context in
          context.progress.update(task: "tokenize", completed: 0, total: 1, detail: request.dataset.label)
          let chat = try model.chat()
          let samples = try await datasets.samples(of: request.dataset, split: nil, limit: nil)
          var splits = TokenizedSplits()
          for sample in samples {
            switch request.method {
            case .sft:
              let example = chat.supervised(sample, answerOnly: settings.answerOnlyLoss)
              if sample.split == .train { splits.train.append(example) } else { splits.test.append(example) }
            case .dpo:
              guard let pair = chat.preference(sample) else { continue }
              if sample.split == .train { splits.trainPairs.append(pair) } else { splits.testPairs.append(pair) }
            }
          }
          let trainCount = request.method == .sft ? splits.train.count : splits.trainPairs.count
          guard trainCount > 0 else { throw TwinError.invalidInput("\(request.dataset.label) has no training sample") }
          let tokens =
            request.method == .sft
            ? splits.train.reduce(0) { $0 + $1.tokens.count }
            : splits.trainPairs.reduce(0) { $0 + $1.prompt.count * 2 + $1.chosen.count + $1.rejected.count }
          let output = TokenizedDataset(
            splits: try context.blobs.put(json: splits), trainCount: trainCount,
            testCount: request.method == .sft ? splits.test.count : splits.testPairs.count, trainTokens: tokens)
          return (output, ["train": .int(output.trainCount), "test": .int(output.testCount), "train_tokens": .int(tokens)])
        },
        Step(trained, codeVersion: "1", dependsOn: [tokenized.step], parameters: parameters, cache: .disabled, outputName: "adapter") {
          context in
          let splits = try context.blobs.get(try context.input(Self.tokenized).splits)
          let progress = context.progress
          let tracking = await Self.startTracking(tracker, request: request, parameters: parameters, context: context)
          // Cancelling the run (Ctrl-C) stops training after its current step, with a checkpoint.
          let stop = OneWayFlag()
          let result: (LoRAAdapter, TrainingOutcome)?
          do {
            result = try await withTaskCancellationHandler {
              try await BlockingWork.run {
                try Self.train(
                  request: request, model: model, splits: splits, folder: checkpointFolder, progress: progress, cancelled: stop,
                  observe: { tracking?.record($0) })
              }
            } onCancel: {
              stop.set()
            }
          } catch {
            await tracking?.flush()
            throw error
          }
          await tracking?.flush()
          guard let (adapter, outcome) = result else { throw CancellationError() }
          let files = try Self.store(adapter, request: request, model: model, blobs: context.blobs)
          let output = TrainedAdapter(
            files: files, rank: settings.lora.rank, steps: outcome.steps, losses: outcome.losses,
            tokensPerSecond: outcome.tokensPerSecond)
          return (
            output,
            [
              "steps": .int(outcome.steps), "first_loss": .double(outcome.losses.first ?? .nan),
              "final_loss": .double(outcome.losses.last ?? .nan), "tokens_per_second": .double(outcome.tokensPerSecond),
            ]
          )
        },
        Step(
          evaluated, codeVersion: "1", dependsOn: [tokenized.step, trained.step], parameters: parameters, cache: .disabled,
          outputName: "evaluation"
        ) { context in
          let splits = try context.blobs.get(try context.input(Self.tokenized).splits)
          let adapterFiles = try context.input(Self.trained).files
          let progress = context.progress
          let blobs = context.blobs
          let evaluation = try await BlockingWork.run {
            try Self.evaluate(request: request, model: model, splits: splits, files: adapterFiles, blobs: blobs, progress: progress)
          }
          if let tracker {
            let step = try context.input(Self.trained).steps
            await Self.quietly(progress) {
              try await tracker.log(
                Self.points(evaluation.before, phase: "before", step: step) + Self.points(evaluation.after, phase: "after", step: step),
                run: context.runID)
            }
          }
          return (evaluation, ["before": try JSONValue.from(evaluation.before), "after": try JSONValue.from(evaluation.after)])
        },
        Step(
          registered, codeVersion: "1", dependsOn: [trained.step, evaluated.step], parameters: parameters, cache: .disabled,
          outputName: "model_version"
        ) { context in
          let adapter = try context.input(Self.trained)
          let evaluation = try context.input(Self.evaluated)
          let lineage: JSONValue = .object([
            "base_model": .string(request.baseModel), "dataset": .string(request.dataset.label),
            "dataset_hash": .string(request.dataset.contentHash), "parent": request.parent.map { .string($0.label) } ?? .null,
            "settings": settingsJSON, "steps": .int(adapter.steps), "tokens_per_second": .double(adapter.tokensPerSecond),
          ])
          let metrics: JSONValue = .object([
            "before": try JSONValue.from(evaluation.before), "after": try JSONValue.from(evaluation.after),
            "final_train_loss": .double(adapter.losses.last ?? .nan),
          ])
          let (version, created) = try await registry.register(
            NewModelVersion(
              name: request.name, method: request.method, baseModel: request.baseModel, parent: request.parent?.label,
              dataset: request.dataset.label, runID: context.runID, files: adapter.files, lineage: lineage, metrics: metrics))
          if let tracker {
            let blobs = context.blobs
            await Self.quietly(context.progress) {
              for (path, blob) in [
                ("adapter/adapter.gguf", adapter.files.ggufAdapter),
                ("adapter/\(PEFTAdapter.configurationFile)", adapter.files.peftConfiguration),
                ("adapter/\(PEFTAdapter.weightsFile)", adapter.files.peftWeights),
              ] {
                let file = blobs.location(of: blob)
                let bytes = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
                try await tracker.attach(RunArtifact(path: path, blob: blob, bytes: bytes), file: file, run: context.runID)
              }
              try await tracker.finish(context.runID, status: .finished)
            }
          }
          return (
            RegisteredModel(name: version.name, version: version.version, created: created),
            ["model": .string(version.label), "created": .bool(created)]
          )
        },
      ])
  }

  // MARK: - Tracking

  /// Starts the experiment run of this pipeline run; nil without a tracker.
  static func startTracking(
    _ tracker: (any ExperimentTracker)?, request: Request, parameters: JSONValue, context: StepContext
  ) async -> TrainingTracking? {
    guard let tracker else { return nil }
    let inputs = [request.baseModel] + (request.parent.map { [$0.label] } ?? []) + [request.dataset.label]
    await quietly(context.progress) {
      try await tracker.start(
        ExperimentRun(
          id: context.runID, experiment: experiment, name: "\(request.name) \(request.method) on \(request.dataset.label)",
          parameters: parameters, inputs: inputs, pipelineRunID: context.runID))
    }
    return TrainingTracking(tracker: tracker, run: context.runID, progress: context.progress)
  }

  /// Runs a tracker call; a failure is noted, never thrown: tracking never fails a training.
  static func quietly(_ progress: any ProgressReporter, _ work: () async throws -> Void) async {
    do { try await work() } catch { progress.note("experiment tracking: \(error)") }
  }

  /// An evaluation's metrics as points (`after/eval_loss`, `after/perplexity`, …).
  static func points(_ result: EvaluationResult, phase: String, step: Int) -> [MetricPoint] {
    let values: [(String, Double?)] = [
      (MetricKey.evaluationLoss, result.loss), (EvaluationMetric.perplexity.rawValue, result.perplexity),
      (MetricKey.rewardAccuracy, result.rewardAccuracy), (MetricKey.rewardMargin, result.rewardMargin),
    ]
    return values.compactMap { key, value in value.map { MetricPoint(key: "\(phase)/\(key)", step: step, value: $0) } }
  }

  // MARK: - Steps' work

  /// Trains; nil when cancelled (a checkpoint was written).
  static func train(
    request: Request, model: ModelLoader, splits: TokenizedSplits, folder: URL, progress: any ProgressReporter,
    cancelled: OneWayFlag, observe: @escaping (TrainingEvent) -> Void = { _ in }
  ) throws -> (LoRAAdapter, TrainingOutcome)? {
    let settings = request.settings
    progress.update(task: "train", completed: 0, total: 1, detail: "loading \(request.baseModel)")
    let weights = try model.startingWeights()
    let adapter = LoRAAdapter(shape: weights.shape, configuration: settings.lora, seed: settings.seed)
    let decoder = LoRADecoder(weights: weights, adapter: adapter)
    var checkpoint: TrainingCheckpoint?
    if request.resume {
      checkpoint = try TrainingCheckpoint.latest(in: folder, adapter: adapter)
      progress.note(
        checkpoint.map { "resuming from step \($0.step) (\(folder.path))" } ?? "no checkpoint to resume from: starting at step 0")
    } else {
      try? FileManager.default.removeItem(at: folder)
    }
    let report: (TrainingEvent) -> Void = { event in
      observe(event)
      switch event {
      case .reference(let done, let total):
        progress.update(task: "reference", completed: done, total: total, detail: "scoring pairs with the adapter off")
      case .step(let s):
        var detail = String(
          format: "loss %.4f · lr %.2e · %.0f tok/s · ETA %@", s.loss, s.learningRate, s.tokensPerSecond,
          Self.duration(s.secondsRemaining))
        if let accuracy = s.rewardAccuracy { detail += String(format: " · reward acc %.2f", accuracy) }
        progress.update(task: "train", completed: s.step, total: s.totalSteps, detail: detail)
      case .evaluation(let step, let result):
        progress.note(String(format: "step %d: test loss %.4f", step, result.loss))
      case .checkpoint: break
      }
    }
    let outcome: TrainingOutcome
    switch request.method {
    case .sft:
      let trainer = try SupervisedTrainer(
        model: decoder, settings: settings, examples: splits.train, datasetName: request.dataset.label)
      outcome = try trainer.run(
        resumeFrom: checkpoint, checkpointDirectory: folder, evaluation: settings.evaluateEvery > 0 ? splits.test : [],
        events: report, shouldStop: { cancelled.isSet })
    case .dpo:
      let trainer = try PreferenceTrainer(
        model: decoder, settings: settings, pairs: splits.trainPairs, datasetName: request.dataset.label)
      outcome = try trainer.run(
        resumeFrom: checkpoint, checkpointDirectory: folder, evaluation: settings.evaluateEvery > 0 ? splits.testPairs : [],
        events: report, shouldStop: { cancelled.isSet })
    }
    if outcome.stopped {
      progress.note("stopped after step \(outcome.steps); `--resume` continues from the checkpoint in \(folder.path)")
      return nil
    }
    return (adapter, outcome)
  }

  /// Writes the model's files (stacked on the parent's adapter for DPO) to the blob store.
  static func store(_ adapter: LoRAAdapter, request: Request, model: ModelLoader, blobs: ArtifactBlobStore) throws -> ModelFiles {
    let shape = try model.baseShape()
    let full = try model.parentAdapter().map { $0.stacked(with: adapter, shape: shape) } ?? adapter
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("twin-adapter-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try PEFTAdapter.write(full, baseModel: request.baseModel, to: folder)
    let gguf = folder.appendingPathComponent("adapter.gguf")
    try GGUFExport.writeAdapter(full, shape: shape, name: request.name, to: gguf)
    return ModelFiles(
      ggufAdapter: try blobs.put(Data(contentsOf: gguf)),
      peftConfiguration: try blobs.put(Data(contentsOf: folder.appendingPathComponent(PEFTAdapter.configurationFile))),
      peftWeights: try blobs.put(Data(contentsOf: folder.appendingPathComponent(PEFTAdapter.weightsFile))))
  }

  static func evaluate(
    request: Request, model: ModelLoader, splits: TokenizedSplits, files: ModelFiles, blobs: ArtifactBlobStore,
    progress: any ProgressReporter
  ) throws -> TrainingEvaluation {
    let settings = request.settings
    progress.update(task: "evaluate", completed: 0, total: 2, detail: "the test split before and after")
    // The trained model as stored (the GGUF base plus its adapter); "before" is the model
    // training started from: the base alone for SFT, the parent SFT model for DPO.
    let shape = try model.baseShape()
    let stored = try PEFTAdapter.read(
      configuration: try blobs.get(files.peftConfiguration), weights: blobs.location(of: files.peftWeights), shape: shape)
    let base = try model.baseWeights()
    let trained = LoRADecoder(weights: base, adapter: stored)
    switch request.method {
    case .sft:
      let test = splits.test.isEmpty ? splits.train : splits.test
      let before = SupervisedTrainer.evaluate(trained, test, maxLength: settings.maxLength, adapterEnabled: false)
      progress.update(task: "evaluate", completed: 1, total: 2, detail: "the trained model")
      let after = SupervisedTrainer.evaluate(trained, test, maxLength: settings.maxLength)
      return TrainingEvaluation(before: before, after: after)
    case .dpo:
      let test = splits.testPairs.isEmpty ? splits.trainPairs : splits.testPairs
      let start = LoRADecoder(weights: base, adapter: try model.parentAdapter() ?? stored)
      let hasParent = request.parent != nil
      let before = PreferenceTrainer.evaluate(
        policy: (start, hasParent), reference: (start, hasParent), test, beta: settings.beta, maxLength: settings.maxLength)
      progress.update(task: "evaluate", completed: 1, total: 2, detail: "the trained model")
      let after = PreferenceTrainer.evaluate(
        policy: (trained, true), reference: (start, hasParent), test, beta: settings.beta, maxLength: settings.maxLength)
      return TrainingEvaluation(before: before, after: after)
    }
  }

  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
  }
}
