import Foundation

/// A trained model's name and version (`twin-sft@2`, `twin-sft` for the latest).
public typealias ModelReference = VersionReference

/// How a registered model was trained.
public enum TrainingMethod: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  /// Supervised fine-tuning on an instruct dataset.
  case sft
  /// Direct preference optimisation on a preference dataset, from an SFT model.
  case dpo

  public var description: String { rawValue }
}

/// The files of a trained model, in the workspace's blob store (by SHA-256).
public struct ModelFiles: Sendable, Hashable, Codable {
  /// The GGUF LoRA adapter, relative to the base model (what the engine and llama.cpp load).
  public var ggufAdapter: String
  /// peft's `adapter_config.json`.
  public var peftConfiguration: String
  /// peft's `adapter_model.safetensors`.
  public var peftWeights: String

  public init(ggufAdapter: String, peftConfiguration: String, peftWeights: String) {
    self.ggufAdapter = ggufAdapter
    self.peftConfiguration = peftConfiguration
    self.peftWeights = peftWeights
  }
}

/// One registered version of a trained model.
public struct ModelVersion: Sendable, Hashable, Codable {
  public var name: String
  public var version: Int
  public var method: TrainingMethod
  /// The catalog model (a GGUF file) the adapter applies to.
  public var baseModel: String
  /// The model it was trained from, when that is itself a trained model (DPO after SFT).
  public var parent: String?
  /// The dataset version it was trained on (`instruct@3`).
  public var dataset: String
  /// The training pipeline run.
  public var runID: UUID?
  public var files: ModelFiles
  /// Settings and whatever else explains how it was made.
  public var lineage: JSONValue
  /// Evaluation results (perplexity before and after, reward accuracy, …).
  public var metrics: JSONValue
  public var createdAt: Date

  public init(
    name: String, version: Int, method: TrainingMethod, baseModel: String, parent: String?, dataset: String, runID: UUID?,
    files: ModelFiles, lineage: JSONValue, metrics: JSONValue, createdAt: Date
  ) {
    self.name = name
    self.version = version
    self.method = method
    self.baseModel = baseModel
    self.parent = parent
    self.dataset = dataset
    self.runID = runID
    self.files = files
    self.lineage = lineage
    self.metrics = metrics
    self.createdAt = createdAt
  }

  /// `name@version`.
  public var label: String { "\(name)@\(version)" }
}

/// A model to register: everything but its version number and time.
public struct NewModelVersion: Sendable {
  public var name: String
  public var method: TrainingMethod
  public var baseModel: String
  public var parent: String?
  public var dataset: String
  public var runID: UUID?
  public var files: ModelFiles
  public var lineage: JSONValue
  public var metrics: JSONValue

  public init(
    name: String, method: TrainingMethod, baseModel: String, parent: String?, dataset: String, runID: UUID?,
    files: ModelFiles, lineage: JSONValue, metrics: JSONValue
  ) {
    self.name = name
    self.method = method
    self.baseModel = baseModel
    self.parent = parent
    self.dataset = dataset
    self.runID = runID
    self.files = files
    self.lineage = lineage
    self.metrics = metrics
  }
}

/// A named pointer (`production`, `staging`) at one version of a model; it moves between
/// versions, and `name@alias` resolves through it wherever a model is named.
public struct ModelAlias: Sendable, Hashable, Codable {
  public var name: String
  public var alias: String
  public var version: Int
  public var updatedAt: Date

  public init(name: String, alias: String, version: Int, updatedAt: Date) {
    self.name = name
    self.alias = alias
    self.version = version
    self.updatedAt = updatedAt
  }

  /// `name@version`, the version it points to.
  public var target: String { "\(name)@\(version)" }
}

/// Where trained models are registered, each name with numbered versions and aliases.
public protocol ModelRegistry: Sendable {
  /// Registers `model` as the next version of its name. When the latest version has the same
  /// adapter it is returned instead (`created` false): re-runs are idempotent.
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` for an invalid name.
  func register(_ model: NewModelVersion) async throws -> (version: ModelVersion, created: Bool)
  /// Every version, newest first, optionally of one name.
  func versions(name: String?) async throws -> [ModelVersion]
  /// The version `reference` names: a number, an alias, or the latest when it has neither.
  ///
  /// - Throws: ``TwinError/notFound(kind:name:hint:)`` naming the reference.
  func version(_ reference: ModelReference) async throws -> ModelVersion
  /// Points `alias` of the reference's name at the version `reference` names, moving it from
  /// wherever it pointed; returns the alias and the version it pointed to before.
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` for an invalid alias,
  ///   ``TwinError/notFound(kind:name:hint:)`` for an unknown version.
  func setAlias(_ alias: String, to reference: ModelReference) async throws -> (alias: ModelAlias, previous: Int?)
  /// Deletes `alias` of `name`; false when there was none.
  func removeAlias(_ alias: String, of name: String) async throws -> Bool
  /// Every alias, optionally of one name.
  func aliases(of name: String?) async throws -> [ModelAlias]
  /// Deletes the version `reference` names (its blobs stay until collected).
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` when an alias points to it (move the alias first),
  ///   ``TwinError/notFound(kind:name:hint:)`` for an unknown version.
  func remove(_ reference: ModelReference) async throws -> ModelVersion
  /// Attaches an evaluation to the model it names (a registry label or a catalog model).
  func record(_ evaluation: ModelEvaluationRecord) async throws
  /// Evaluations, newest first, of one model label (`twin-sft@2`, a catalog name) or of all.
  func evaluations(of model: String?) async throws -> [ModelEvaluationRecord]
}
