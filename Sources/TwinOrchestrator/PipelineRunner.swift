import Foundation
import Logging
import TwinCore

/// The outcome of ``PipelineRunner/run(_:noCache:)``.
public struct RunResult: Sendable {
  public var run: PipelineRun
  public var steps: [StepRun]
  /// The output of each step that succeeded or was cached, by step name.
  public var outputs: [String: JSONValue]
  public var artifacts: [String: Artifact]
}

/// Executes pipelines, recording every run, step, artifact and lineage edge.
///
/// Steps run one at a time in dependency order. A step's output is serialised as canonical JSON,
/// stored content-addressed, and registered as a new artifact version. A failed step fails the run
/// and skips its dependents; cancellation (Ctrl-C, SIGTERM) marks the run interrupted.
public struct PipelineRunner: Sendable {
  public let store: any RunStore
  public let blobs: ArtifactBlobStore
  public let logger: Logger
  public let progress: any ProgressReporter

  public init(
    store: any RunStore, blobs: ArtifactBlobStore, logger: Logger = Logger(label: "twin.orchestrator"),
    progress: any ProgressReporter = SilentProgress()
  ) {
    self.store = store
    self.blobs = blobs
    self.logger = logger
    self.progress = progress
  }

  /// Runs `pipeline`. Returns the result even when a step failed (inspect `run.status`); throws
  /// only when the metadata store itself fails.
  public func run(_ pipeline: Pipeline, noCache: Bool = false) async throws -> RunResult {
    let order = try pipeline.executionOrder()
    var run = PipelineRun(pipeline: pipeline.name, parameters: pipeline.parameters)
    try await store.insert(run: run)
    logger.info("run started", metadata: ["run": "\(run.id)", "pipeline": "\(pipeline.name)"])

    var stepRuns: [String: StepRun] = [:]
    var outputs: [String: JSONValue] = [:]
    var artifacts: [String: Artifact] = [:]
    var failure: String?
    var interrupted = false

    for step in order {
      if Task.isCancelled { interrupted = true }
      let inputs = step.dependsOn.compactMap { artifacts[$0] }
      var record = StepRun(
        runID: run.id, name: step.name, codeVersion: step.codeVersion,
        cacheKey: Self.cacheKey(step: step, inputs: inputs))

      if failure != nil || interrupted || inputs.count != step.dependsOn.count {
        record.status = interrupted ? .interrupted : .skipped
        record.error = interrupted ? "run interrupted" : "an upstream step failed"
        try await save(record)
        stepRuns[step.name] = record
        continue
      }

      if step.cache == .enabled, !noCache, let hit = try await store.cachedArtifact(cacheKey: record.cacheKey),
        blobs.contains(hit.sha256)
      {
        let value = try decodeArtifact(hit)
        record.status = .cached
        record.startedAt = Date()
        record.endedAt = record.startedAt
        record.outputArtifactID = hit.id
        try await save(record)
        try await saveLineage(record.id, inputs)
        outputs[step.name] = value
        artifacts[step.name] = hit
        stepRuns[step.name] = record
        logger.info("step cached", metadata: ["step": "\(step.name)", "artifact": "\(hit.id)"])
        continue
      }

      record.status = .running
      record.startedAt = Date()
      try await save(record)
      try await saveLineage(record.id, inputs)
      let context = StepContext(
        runID: run.id, stepName: step.name,
        inputs: Dictionary(uniqueKeysWithValues: step.dependsOn.compactMap { n in outputs[n].map { (n, $0) } }),
        logger: logger, progress: progress, blobs: blobs)
      do {
        try Task.checkCancellation()
        let output = try await step.body(context)
        try Task.checkCancellation()
        let data = Data(output.value.canonicalJSON.utf8)
        let sha = try blobs.put(data)
        let (store, runID) = (self.store, run.id)
        let artifact = try await shielded {
          try await store.registerArtifact(
            name: step.outputName, sha256: sha, size: data.count, metadata: output.metadata,
            runID: runID, step: step.name)
        }
        record.status = .succeeded
        record.outputArtifactID = artifact.id
        outputs[step.name] = output.value
        artifacts[step.name] = artifact
      } catch where error is CancellationError || Task.isCancelled {
        // Cancellation surfaces as whatever the interrupted call throws (an HTTP client's own
        // error, say); once the task is cancelled, any failure is the interruption.
        record.status = .interrupted
        record.error = "interrupted"
        interrupted = true
      } catch {
        record.status = .failed
        record.error = String(describing: error)
        failure = "step '\(step.name)' failed: \(error)"
        logger.error("step failed", metadata: ["step": "\(step.name)", "error": "\(error)"])
      }
      record.endedAt = Date()
      try await save(record)
      stepRuns[step.name] = record
    }

    run.endedAt = Date()
    if interrupted {
      run.status = .interrupted
      run.error = "interrupted"
    } else if let failure {
      run.status = .failed
      run.error = failure
    } else {
      run.status = .succeeded
    }
    try await save(run)
    logger.info("run ended", metadata: ["run": "\(run.id)", "status": "\(run.status.rawValue)"])
    return RunResult(
      run: run, steps: order.compactMap { stepRuns[$0.name] }, outputs: outputs, artifacts: artifacts)
  }

  // MARK: Bookkeeping

  /// Runs a metadata-store write outside the caller's cancellation.
  ///
  /// A cancelled run must still record that it was interrupted, but the store's async API
  /// (GRDB) refuses to start work in a cancelled task. An unstructured task does not inherit
  /// cancellation, so the write completes and the caller waits for it.
  private func shielded<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
    try await Task { try await work() }.value
  }

  private func save(_ step: StepRun) async throws {
    let store = self.store
    try await shielded { try await store.upsert(step: step) }
  }

  private func save(_ run: PipelineRun) async throws {
    let store = self.store
    try await shielded { try await store.update(run: run) }
  }

  private func saveLineage(_ stepRunID: UUID, _ inputs: [Artifact]) async throws {
    let store = self.store
    try await shielded { try await store.recordLineage(stepRunID: stepRunID, consumed: inputs.map(\.id)) }
  }

  private func decodeArtifact(_ artifact: Artifact) throws -> JSONValue {
    let data = try blobs.get(artifact.sha256)
    do {
      return try JSONDecoder().decode(JSONValue.self, from: data)
    } catch {
      throw TwinError.storage("artifact \(artifact.name) v\(artifact.version) is not valid JSON: \(error)")
    }
  }

  /// The cache key: step name, code version, parameters and the hashes of its input artifacts.
  static func cacheKey(step: Step, inputs: [Artifact]) -> String {
    let inputPart = inputs.map { "\($0.name)=\($0.sha256)" }.joined(separator: ",")
    return SHA256Digest.hex(
      of: "\(step.name)\n\(step.codeVersion)\n\(step.parameters.canonicalJSON)\n\(inputPart)")
  }
}
