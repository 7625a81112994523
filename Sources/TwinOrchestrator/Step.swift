import Foundation
import Logging
import TwinCore

/// Whether a step's output may be reused from an earlier run.
public enum CachePolicy: Sendable {
  /// Reuse the artifact of an earlier successful run with the same code version, parameters
  /// and input artifacts. Right for pure transformations.
  case enabled
  /// Always execute. Right for steps that read the outside world (crawling) or write to a store:
  /// their output depends on more than their inputs.
  case disabled
}

/// What a step hands back: one value, stored as a JSON artifact, and metadata about it.
public struct StepOutput: Sendable {
  public var value: JSONValue
  /// Shown by `twin runs show`: counts, per-domain success, parameters used.
  public var metadata: [String: JSONValue]

  public init(value: JSONValue, metadata: [String: JSONValue] = [:]) {
    self.value = value
    self.metadata = metadata
  }

  public init(_ value: some Encodable, metadata: [String: JSONValue] = [:]) throws {
    self.init(value: try JSONValue.from(value), metadata: metadata)
  }
}

/// What a running step can see: its inputs, its parameters, a logger and a progress sink.
public struct StepContext: Sendable {
  public let runID: UUID
  public let stepName: String
  /// The outputs of the steps this step depends on, by step name.
  public let inputs: [String: JSONValue]
  public let logger: Logger
  public let progress: any ProgressReporter
  /// Where the step keeps bulk data; its manifest carries ``BlobRef``s to it.
  public let blobs: ArtifactBlobStore

  public init(
    runID: UUID, stepName: String, inputs: [String: JSONValue], logger: Logger, progress: any ProgressReporter,
    blobs: ArtifactBlobStore
  ) {
    self.runID = runID
    self.stepName = stepName
    self.inputs = inputs
    self.logger = logger
    self.progress = progress
    self.blobs = blobs
  }
}

/// A named unit of work in a pipeline.
public struct Step: Sendable {
  public var name: String
  /// Bump when the step's behaviour changes, so cached outputs of the old code are not reused.
  public var codeVersion: String
  public var dependsOn: [String]
  /// The parameters that influence the output; part of the cache key.
  public var parameters: JSONValue
  public var cache: CachePolicy
  /// The artifact name the output is stored under (defaults to the step name).
  public var outputName: String
  public var body: @Sendable (StepContext) async throws -> StepOutput

  public init(
    name: String, codeVersion: String, dependsOn: [String] = [], parameters: JSONValue = .object([:]),
    cache: CachePolicy = .enabled, outputName: String? = nil,
    body: @escaping @Sendable (StepContext) async throws -> StepOutput
  ) {
    self.name = name
    self.codeVersion = codeVersion
    self.dependsOn = dependsOn
    self.parameters = parameters
    self.cache = cache
    self.outputName = outputName ?? name
    self.body = body
  }
}
