import ArgumentParser
import Foundation
import TwinCore
import TwinModelStore
import TwinOrchestrator
import TwinSQLite
import TwinTensor
import TwinTraining

/// `twin train`: LoRA fine-tuning on this machine's CPU, SFT then DPO.
struct TrainCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Fine-tune a model with LoRA on this machine: SFT on an instruct dataset, then DPO on a preference dataset.",
    discussion: """
      Each training is a `training` pipeline run: tokenize_dataset (the base model's chat \
      template; loss on the answer's tokens) → train → evaluate (the test split before and \
      after) → register_model. The result is a model version in the workspace (twin-sft@1, …) \
      with lineage to its base, dataset and settings; `twin generate --model twin-sft`, `twin \
      chat`, `twin rag` and `twin serve llm` run it (the base with its adapter applied).

      The frozen base is the catalog's GGUF, dequantised once; only the adapter trains, in f32, \
      on every core. Ctrl-C stops after the current step with a checkpoint; --resume continues \
      from it and gives the same curve as an uninterrupted run.

      Adapters are stored as peft files (adapter_config.json, adapter_model.safetensors) and as \
      a GGUF LoRA adapter that llama.cpp loads with --lora; `twin models export` writes them \
      (and a merged GGUF with --merged); `twin models trained` lists the trained models.
      """,
    subcommands: [SFT.self, DPO.self])

  /// The options both methods share; their defaults are the method's preset (the Handbook's).
  struct Options: ParsableArguments {
    @Option(name: .long, help: "Passes over the training split (default: SFT \(TrainingSettings.supervised.epochs), DPO \(TrainingSettings.preference.epochs)).")
    var epochs: Int?
    @Option(name: .long, help: "Peak learning rate (default: SFT \(TrainingSettings.supervised.learningRate), DPO \(TrainingSettings.preference.learningRate)).")
    var learningRate: Float?
    @Option(name: .long, help: "LoRA rank r (default \(TrainingSettings.supervised.lora.rank)).")
    var rank: Int?
    @Option(name: .long, help: "LoRA α; the update is scaled by α/r (default \(TrainingSettings.supervised.lora.alpha), or r when --rank is given).")
    var alpha: Float?
    @Option(name: .long, help: "Dropout on the adapters' input (default \(TrainingSettings.supervised.lora.dropout)).")
    var dropout: Float?
    @Option(
      name: .long, parsing: .upToNextOption,
      help: "Adapted projections (default: all of q_proj k_proj v_proj o_proj gate_proj up_proj down_proj).")
    var targets: [String] = []
    @Option(name: .long, help: "Sequences per micro-batch (default \(TrainingSettings.supervised.batchSize)).")
    var batchSize: Int?
    @Option(name: .long, help: "Micro-batches per optimiser step (default \(TrainingSettings.supervised.gradientAccumulation)).")
    var gradientAccumulation: Int?
    @Option(name: .long, help: "Longest sequence in tokens; longer samples are cut (default \(TrainingSettings.supervised.maxLength)).")
    var maxLength: Int?
    @Flag(name: .long, help: "One sample per sequence (SFT packs samples by default).")
    var noPacking = false
    @Flag(name: .long, help: "Train on the prompt's tokens too, not only the answer's.")
    var allTokens = false
    @Option(name: .long, help: "Linear warm-up steps (default \(TrainingSettings.supervised.warmupSteps)).")
    var warmupSteps: Int?
    @Option(name: .long, help: "AdamW's decoupled weight decay (default \(TrainingSettings.supervised.optimizer.weightDecay)).")
    var weightDecay: Float?
    @Option(name: .long, help: "Clip the gradient norm to this; 0 turns clipping off (default \(TrainingSettings.supervised.maxGradientNorm)).")
    var maxGradNorm: Float?
    @Option(name: .long, help: "Seed of the adapter's initialisation, the data order and dropout (default \(TrainingSettings.supervised.seed)).")
    var seed: UInt64?
    @Option(name: .long, help: "Score the test split every N steps (default: only at the end).")
    var evalEvery: Int?
    @Option(name: .long, help: "Write a checkpoint every N steps (default \(TrainingSettings.supervised.checkpointEvery); always at Ctrl-C and at the end).")
    var checkpointEvery: Int?
    @Flag(name: .long, help: "Recompute activations in backward: less memory, about a third more time.")
    var gradientCheckpointing = false
    @Flag(name: .long, help: "Continue from the last checkpoint of the same model, dataset and settings.")
    var resume = false
    @Option(name: .long, help: "The trained model's name (default: twin-sft or twin-dpo).")
    var name: String?
    @Option(name: .long, help: "Threads (default: every core, or TWIN_THREADS).")
    var threads: Int?

    /// The preset with the flags applied.
    func settings(_ preset: TrainingSettings) throws -> TrainingSettings {
      var s = preset
      if let epochs { s.epochs = epochs }
      if let learningRate { s.learningRate = learningRate }
      if let rank {
        s.lora.rank = rank
        if alpha == nil { s.lora.alpha = Float(rank) }
      }
      if let alpha { s.lora.alpha = alpha }
      if let dropout { s.lora.dropout = dropout }
      if !targets.isEmpty {
        s.lora.targets = try targets.flatMap { $0.split(separator: ",") }.map { name in
          guard let p = Projection(rawValue: String(name)) else {
            throw ValidationError(
              "--targets: '\(name)' is not a projection; use \(Projection.allCases.map(\.rawValue).joined(separator: ", "))")
          }
          return p
        }
      }
      if let batchSize { s.batchSize = batchSize }
      if let gradientAccumulation { s.gradientAccumulation = gradientAccumulation }
      if let maxLength { s.maxLength = maxLength }
      if noPacking { s.packing = false }
      if allTokens { s.answerOnlyLoss = false }
      if let warmupSteps { s.warmupSteps = warmupSteps }
      if let weightDecay { s.optimizer.weightDecay = weightDecay }
      if let maxGradNorm { s.maxGradientNorm = maxGradNorm }
      if let seed { s.seed = seed }
      if let evalEvery { s.evaluateEvery = evalEvery }
      if let checkpointEvery { s.checkpointEvery = checkpointEvery }
      if gradientCheckpointing { s.gradientCheckpointing = true }
      do { try s.validate() } catch { throw ValidationError("\(error)") }
      if let threads {
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
        Parallel.threadCount = threads
      }
      return s
    }
  }

  struct SFT: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sft",
      abstract: "Supervised fine-tuning of a catalog model on an instruct dataset.",
      discussion: """
        Example: twin train sft --base smollm2-135m-instruct --dataset instruct@latest --epochs 1

        Prints the test split's answer perplexity before (the base) and after (the trained \
        model): the answers are the author's own text, so lower means closer to the voice.
        """)

    @Option(name: .long, help: "The base: a catalog model (Llama family: smollm2-135m-instruct, qwen2.5-coder-1.5b-instruct).")
    var base = "smollm2-135m-instruct"
    @Option(name: .long, help: "The instruct dataset (NAME@VERSION or NAME@latest).")
    var dataset = "instruct@latest"
    @OptionGroup var options: Options
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let settings = try options.settings(.supervised)
      let app = try await AppContext.open(global: global)
      try await app.ensureModel(base)
      let request = TrainingPipeline.Request(
        method: .sft, name: options.name ?? "twin-sft", baseModel: base, baseFile: try app.models.resolve(base).url,
        parent: nil, dataset: try await app.workspace.datasets.version(try DatasetReference(parsing: dataset)),
        settings: settings, resume: options.resume, checkpoints: app.trainingCheckpoints)
      try await TrainingRun.run(request, app: app)
    }
  }

  struct DPO: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "dpo",
      abstract: "Direct preference optimisation of a trained SFT model on a preference dataset.",
      discussion: """
        Example: twin train dpo --from twin-sft --dataset preference@latest

        The reference is the SFT model itself (its adapter merged, the DPO adapter off), so one \
        copy of the weights serves both. Prints the test pairs' reward accuracy before and \
        after, and how often the model prefers the chosen answer.
        """)

    @Option(name: .customLong("from"), help: "The SFT model to start from (NAME or NAME@VERSION).")
    var from: String
    @Option(name: .long, help: "The preference dataset (NAME@VERSION or NAME@latest).")
    var dataset = "preference@latest"
    @Option(name: .long, help: "β: how far the policy may move from the reference (default \(TrainingSettings.preference.beta)).")
    var beta: Float?
    @OptionGroup var options: Options
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      var settings = try options.settings(.preference)
      if let beta { settings.beta = beta }
      do { try settings.validate() } catch { throw ValidationError("\(error)") }
      let app = try await AppContext.open(global: global)
      let parent = try await app.workspace.models.version(try ModelReference(parsing: from, of: "model"))
      try await app.ensureModel(parent.baseModel)
      let request = TrainingPipeline.Request(
        method: .dpo, name: options.name ?? "twin-dpo", baseModel: parent.baseModel,
        baseFile: try app.models.resolve(parent.baseModel).url, parent: parent,
        dataset: try await app.workspace.datasets.version(try DatasetReference(parsing: dataset)), settings: settings,
        resume: options.resume, checkpoints: app.trainingCheckpoints)
      try await TrainingRun.run(request, app: app)
    }
  }
}

/// Running and reporting the training pipeline.
enum TrainingRun {
  static func run(_ request: TrainingPipeline.Request, app: AppContext) async throws {
    let tracker = try app.experimentTracker()
    let pipeline = try TrainingPipeline.pipeline(
      request: request, datasets: app.workspace.datasets, registry: try app.modelRegistry(), blobs: app.workspace.blobs,
      tracker: tracker)
    let runner = app.runner()
    let result = try await Interruption.run { try await runner.run(pipeline, noCache: false) }
    app.finishProgress()
    // The register step finishes the experiment run; a run that ended before it is closed here.
    if result.run.status != .succeeded, (try? await app.workspace.experiments.run(result.run.id.uuidString)) != nil {
      try? await tracker.finish(result.run.id, status: result.run.status == .interrupted ? .interrupted : .failed)
    }
    let trained = try? result.output(TrainingPipeline.trained)
    let evaluation = try? result.output(TrainingPipeline.evaluated)
    let registered = try? result.output(TrainingPipeline.registered)
    if app.json {
      try Output.json(Summary(run: result.run, steps: result.steps, adapter: trained, evaluation: evaluation, model: registered))
      if registered == nil { throw ExitCode.failure }
      return
    }
    print(RunText.headline(result.run))
    guard let trained, let evaluation, let registered else {
      if let error = result.run.error { print("error: \(error)") }
      throw ExitCode.failure
    }
    print(
      String(
        format: "%d steps · loss %.4f → %.4f · %.0f training tokens/s", trained.steps, trained.losses.first ?? .nan,
        trained.losses.last ?? .nan, trained.tokensPerSecond))
    let (b, a) = (evaluation.before, evaluation.after)
    switch request.method {
    case .sft:
      Output.table(
        ["test split (\(a.count) samples)", "loss", "perplexity"],
        [
          [request.baseModel, String(format: "%.4f", b.loss), String(format: "%.3f", b.perplexity ?? .nan)],
          [registered.label, String(format: "%.4f", a.loss), String(format: "%.3f", a.perplexity ?? .nan)],
        ])
    case .dpo:
      Output.table(
        ["test split (\(a.count) pairs)", "DPO loss", "reward accuracy", "prefers chosen", "reward margin"],
        [
          [request.parent?.label ?? request.baseModel] + metrics(b),
          [registered.label] + metrics(a),
        ])
    }
    print(registered.created ? "registered \(registered.label)" : "\(registered.label) already holds this adapter")
    print("experiment run \(RunText.shortID(result.run.id)): twin experiments show \(RunText.shortID(result.run.id))")
    print("next: twin generate --model \(registered.label) \"…\"   twin chat --model \(registered.name)")
  }

  static func metrics(_ r: EvaluationResult) -> [String] {
    [
      String(format: "%.4f", r.loss), String(format: "%.2f", r.rewardAccuracy ?? .nan),
      String(format: "%.2f", r.preferenceAccuracy ?? .nan), String(format: "%.3f", r.rewardMargin ?? .nan),
    ]
  }

  struct Summary: Encodable {
    var run: PipelineRun
    var steps: [StepRun]
    var adapter: TrainedAdapter?
    var evaluation: TrainingEvaluation?
    var model: RegisteredModel?
  }
}

extension GGUFExport.MergedType: ExpressibleByArgument {}
