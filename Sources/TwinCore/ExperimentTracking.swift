import Foundation

/// How an experiment run ended, or that it has not.
public enum ExperimentStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  case running
  case finished
  case failed
  /// Stopped on purpose (Ctrl-C), or found running after its process died.
  case interrupted

  public var description: String { rawValue }
}

/// One training or evaluation run as an experiment: what it was given, and what it measured.
public struct ExperimentRun: Sendable, Hashable, Codable {
  public var id: UUID
  /// The experiment it belongs to (`training`, `evaluation`): runs of one experiment compare.
  public var experiment: String
  /// A readable name (`twin-sft sft on instruct@2`).
  public var name: String
  public var status: ExperimentStatus
  /// Parameters, as given (settings, models, datasets).
  public var parameters: JSONValue
  /// The dataset and model versions it used (`instruct@2`, `smollm2-135m-instruct`).
  public var inputs: [String]
  /// The orchestrator's pipeline run, when the run is one.
  public var pipelineRunID: UUID?
  public var startedAt: Date
  public var endedAt: Date?

  public init(
    id: UUID, experiment: String, name: String, status: ExperimentStatus = .running, parameters: JSONValue,
    inputs: [String], pipelineRunID: UUID?, startedAt: Date = Date(), endedAt: Date? = nil
  ) {
    self.id = id
    self.experiment = experiment
    self.name = name
    self.status = status
    self.parameters = parameters
    self.inputs = inputs
    self.pipelineRunID = pipelineRunID
    self.startedAt = startedAt
    self.endedAt = endedAt
  }
}

/// One value of a metric at a step (`loss` at step 12).
public struct MetricPoint: Sendable, Hashable, Codable {
  /// The metric's name; `system/` names hold the machine's (RSS, CPU).
  public var key: String
  public var step: Int
  public var value: Double
  public var time: Date

  public init(key: String, step: Int, value: Double, time: Date = Date()) {
    self.key = key
    self.step = step
    self.value = value
    self.time = time
  }
}

/// The experiments Twin's runs belong to, written once for the writers (training, the
/// evaluation recorder), the MLflow mirror and the readers.
public enum ExperimentName {
  public static let training = "training"
  public static let evaluation = "evaluation"
  public static let ragEvaluation = "rag-evaluation"
}

/// The names of the metrics Twin's runs log, written once for the writers and the readers
/// (`twin experiments show` draws ``loss``).
public enum MetricKey {
  /// Training loss of each optimiser step.
  public static let loss = "loss"
  public static let learningRate = "learning_rate"
  /// Gradient norm before clipping.
  public static let gradientNorm = "grad_norm"
  public static let tokensPerSecond = "tokens_per_second"
  /// Loss on the test split, when evaluated during or after training.
  public static let evaluationLoss = "eval_loss"
  /// DPO: the step's reward accuracy and mean margin.
  public static let rewardAccuracy = "reward_accuracy"
  public static let rewardMargin = "reward_margin"
  /// This process's resident memory, in MiB.
  public static let residentMemory = "system/rss_mib"
  /// This process's CPU use since the last sample, in percent of one core.
  public static let cpu = "system/cpu_percent"

  /// The key of an evaluation metric of `model` (`perplexity/twin-sft@2`), or of the run's
  /// one model when `model` is nil.
  public static func evaluation(_ metric: EvaluationMetric, model: String? = nil) -> String {
    model.map { "\(metric.rawValue)/\($0)" } ?? metric.rawValue
  }
}

/// A file a run produced, kept in the workspace's blob store.
public struct RunArtifact: Sendable, Hashable, Codable {
  /// Its path within the run (`adapter/adapter_model.safetensors`).
  public var path: String
  /// The blob's SHA-256.
  public var blob: String
  public var bytes: Int

  public init(path: String, blob: String, bytes: Int) {
    self.path = path
    self.blob = blob
    self.bytes = bytes
  }
}

/// Where runs are recorded as they go: a run that crashes keeps what it logged.
///
/// Adapters: the workspace's store (`SQLiteExperimentStore`) and, mirrored beside it, an MLflow
/// tracking server.
public protocol ExperimentTracker: Sendable {
  /// Records `run` as started (or updates it when its id is known: a resumed run).
  func start(_ run: ExperimentRun) async throws
  /// Appends metric values.
  func log(_ points: [MetricPoint], run: UUID) async throws
  /// Records an artifact; `file` is where its bytes are now (for trackers that copy them).
  func attach(_ artifact: RunArtifact, file: URL, run: UUID) async throws
  /// Ends the run.
  func finish(_ run: UUID, status: ExperimentStatus) async throws
}

/// A tracker that can also be read: the workspace's own record of experiments.
public protocol ExperimentStore: ExperimentTracker {
  /// Runs, newest first, optionally of one experiment.
  func runs(experiment: String?, limit: Int) async throws -> [ExperimentRun]
  /// The run whose id is `id` or starts with it (8 characters or more are enough when unique).
  ///
  /// - Throws: ``TwinError/notFound(kind:name:hint:)`` naming `id`.
  func run(_ id: String) async throws -> ExperimentRun
  /// Every metric value of a run, by key then step.
  func metrics(run: UUID) async throws -> [MetricPoint]
  func artifacts(run: UUID) async throws -> [RunArtifact]
  /// Marks runs still `running` whose process has ended as interrupted; returns how many.
  func reapOrphanedRuns() async throws -> Int
}
