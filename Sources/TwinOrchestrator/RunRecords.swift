import Foundation
import TwinCore

/// The state of a pipeline run.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
  case running
  case succeeded
  case failed
  /// The process was stopped (signal, kill, crash) before the run could finish.
  case interrupted
}

/// The state of one step within a run.
public enum StepStatus: String, Sendable, Codable, CaseIterable {
  case pending
  case running
  case succeeded
  /// Not executed: an earlier run's artifact was reused (same code version, same inputs).
  case cached
  case failed
  /// Not executed because a step it depends on failed or the run was interrupted.
  case skipped
  case interrupted
}

/// One execution of a pipeline.
public struct PipelineRun: Sendable, Codable, Hashable, Identifiable {
  public var id: UUID
  public var pipeline: String
  /// The parameters the run was started with (canonical JSON object).
  public var parameters: JSONValue
  public var status: RunStatus
  public var startedAt: Date
  public var endedAt: Date?
  public var error: String?
  /// The process that owns the run while it is `running`, to detect runs orphaned by a kill.
  public var owner: ProcessIdentity

  public init(
    id: UUID = UUID(), pipeline: String, parameters: JSONValue, status: RunStatus = .running,
    startedAt: Date = Date(), endedAt: Date? = nil, error: String? = nil,
    owner: ProcessIdentity = .current
  ) {
    self.id = id
    self.pipeline = pipeline
    self.parameters = parameters
    self.status = status
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.error = error
    self.owner = owner
  }

  public var duration: TimeInterval? { endedAt.map { $0.timeIntervalSince(startedAt) } }
}

/// One step's execution within a run.
public struct StepRun: Sendable, Codable, Hashable, Identifiable {
  public var id: UUID
  public var runID: UUID
  public var name: String
  public var codeVersion: String
  public var cacheKey: String
  public var status: StepStatus
  public var startedAt: Date?
  public var endedAt: Date?
  public var error: String?
  /// The artifact the step produced (or reused, when cached).
  public var outputArtifactID: UUID?

  public init(
    id: UUID = UUID(), runID: UUID, name: String, codeVersion: String, cacheKey: String,
    status: StepStatus = .pending, startedAt: Date? = nil, endedAt: Date? = nil,
    error: String? = nil, outputArtifactID: UUID? = nil
  ) {
    self.id = id
    self.runID = runID
    self.name = name
    self.codeVersion = codeVersion
    self.cacheKey = cacheKey
    self.status = status
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.error = error
    self.outputArtifactID = outputArtifactID
  }

  public var duration: TimeInterval? {
    guard let startedAt, let endedAt else { return nil }
    return endedAt.timeIntervalSince(startedAt)
  }
}

/// A versioned, content-hashed step output stored in the artifact store.
public struct Artifact: Sendable, Codable, Hashable, Identifiable {
  public var id: UUID
  /// The artifact's name; versions count up per name.
  public var name: String
  public var version: Int
  /// SHA-256 of the stored bytes; the blob's address in the artifact store.
  public var sha256: String
  public var size: Int
  public var metadata: [String: JSONValue]
  public var createdAt: Date
  /// The run and step that first produced these bytes under this name.
  public var producerRunID: UUID
  public var producerStep: String

  public init(
    id: UUID = UUID(), name: String, version: Int, sha256: String, size: Int,
    metadata: [String: JSONValue], createdAt: Date = Date(), producerRunID: UUID,
    producerStep: String
  ) {
    self.id = id
    self.name = name
    self.version = version
    self.sha256 = sha256
    self.size = size
    self.metadata = metadata
    self.createdAt = createdAt
    self.producerRunID = producerRunID
    self.producerStep = producerStep
  }
}
