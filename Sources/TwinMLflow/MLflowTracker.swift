import Foundation
import TwinCore

/// An experiment tracker that records in the workspace first and mirrors to MLflow.
///
/// The workspace's tracker is the record: its errors are thrown. MLflow is a mirror: each call
/// is retried by the client, and a failure is reported (once per run) and never thrown, so an
/// MLflow server that is down never fails a training. After a failure the run's later calls skip
/// MLflow instead of waiting on it again; the workspace still holds the whole run.
///
/// MLflow runs are tagged `twin.run_id`, so a run continued in another process (a resume)
/// finds its MLflow run again.
public actor MLflowTracker: ExperimentTracker {
  let local: any ExperimentTracker
  let client: MLflowClient
  let report: @Sendable (String) -> Void
  private var mirrored: [UUID: MLflowClient.RunInfo] = [:]
  private var started: [UUID: ExperimentRun] = [:]
  private var failed: Set<UUID> = []

  /// The tag that holds Twin's run id.
  public static let runTag = "twin.run_id"

  /// - Parameter report: Where mirroring failures are told (standard error, the progress line).
  public init(local: any ExperimentTracker, client: MLflowClient, report: @escaping @Sendable (String) -> Void) {
    self.local = local
    self.client = client
    self.report = report
  }

  public func start(_ run: ExperimentRun) async throws {
    try await local.start(run)
    started[run.id] = run
    failed.remove(run.id)
    await mirror(run.id) { client, info in
      try await client.logBatch(
        runID: info.runID, parameters: run.parameters.flattened.map { MLflowClient.Tag(key: Self.key($0.key), value: Self.parameter($0.value)) },
        tags: [MLflowClient.Tag(key: "twin.inputs", value: run.inputs.joined(separator: ", "))])
    }
  }

  public func log(_ points: [MetricPoint], run: UUID) async throws {
    try await local.log(points, run: run)
    await mirror(run) { client, info in
      try await client.logBatch(
        runID: info.runID,
        metrics: points.map {
          MLflowClient.Metric(
            key: Self.key($0.key), value: $0.value, timestamp: MLflowClient.milliseconds($0.time), step: Int64($0.step))
        })
    }
  }

  public func attach(_ artifact: RunArtifact, file: URL, run: UUID) async throws {
    try await local.attach(artifact, file: file, run: run)
    await mirror(run) { client, info in
      try await client.uploadArtifact(file, path: artifact.path, artifactURI: info.artifactURI ?? "")
    }
  }

  public func finish(_ run: UUID, status: ExperimentStatus) async throws {
    try await local.finish(run, status: status)
    await mirror(run) { client, info in
      try await client.updateRun(runID: info.runID, status: Self.status(status), endTime: Date())
    }
    started[run] = nil
  }

  /// The MLflow run of `run`, found by its tag or created; nil once mirroring it failed.
  public func mlflowRun(of run: UUID) async throws -> MLflowClient.RunInfo? {
    if let info = mirrored[run] { return info }
    guard let record = started[run] else { return nil }
    let experiment = try await client.experimentID(named: record.experiment)
    let info: MLflowClient.RunInfo
    if let found = try await client.findRun(experimentID: experiment, tag: Self.runTag, value: Self.runKey(run)) {
      info = found
    } else {
      info = try await client.createRun(
        experimentID: experiment, name: record.name, startTime: record.startedAt,
        tags: [Self.runTag: Self.runKey(run), "twin.experiment": record.experiment])
    }
    mirrored[run] = info
    return info
  }

  private func mirror(_ run: UUID, _ work: (MLflowClient, MLflowClient.RunInfo) async throws -> Void) async {
    guard !failed.contains(run) else { return }
    do {
      guard let info = try await mlflowRun(of: run) else { return }
      try await work(client, info)
    } catch {
      failed.insert(run)
      report("MLflow: \(error); run \(Self.runKey(run).prefix(8)) is recorded in the workspace only from here on")
    }
  }

  static func runKey(_ run: UUID) -> String { run.uuidString.lowercased() }

  /// MLflow's status for a run that ended so.
  static func status(_ status: ExperimentStatus) -> String {
    switch status {
    case .running: "RUNNING"
    case .finished: "FINISHED"
    case .failed: "FAILED"
    case .interrupted: "KILLED"
    }
  }

  /// A key MLflow accepts: at most 250 of `[A-Za-z0-9_-.:/ ]`, others replaced by `_`
  /// (`perplexity/twin-sft@2` → `perplexity/twin-sft_2`).
  static func key(_ key: String) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:/ ")
    return String(String(key.map { allowed.contains($0) ? $0 : "_" }).prefix(250))
  }

  /// A parameter value MLflow stores: at most 6,000 characters.
  static func parameter(_ value: String) -> String { String(value.prefix(6000)) }
}
