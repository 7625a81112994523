import Foundation
import GRDB
import TwinCore
import TwinOrchestrator

/// The embedded metadata store for pipeline runs, steps, artifacts and lineage.
public struct SQLiteRunStore: RunStore {
  let database: TwinDatabase

  public init(database: TwinDatabase) {
    self.database = database
  }

  public func insert(run: PipelineRun) async throws {
    try await database.pool.write { db in
      try db.execute(
        sql: """
          INSERT INTO pipeline_runs (id, pipeline, parameters, status, started_at, ended_at, error,
            owner_pid, owner_start, owner_host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          run.id.uuidString, run.pipeline, run.parameters.canonicalJSON, run.status.rawValue,
          run.startedAt.storedValue, run.endedAt?.storedValue, run.error, Int64(run.owner.pid),
          Int64(bitPattern: run.owner.startTicks), run.owner.hostname,
        ])
    }
  }

  public func update(run: PipelineRun) async throws {
    try await database.pool.write { db in
      try db.execute(
        sql: "UPDATE pipeline_runs SET status = ?, ended_at = ?, error = ? WHERE id = ?",
        arguments: [run.status.rawValue, run.endedAt?.storedValue, run.error, run.id.uuidString])
    }
  }

  public func upsert(step: StepRun) async throws {
    try await database.pool.write { db in
      try db.execute(
        sql: """
          INSERT INTO step_runs (id, run_id, name, code_version, cache_key, status, started_at, ended_at,
            error, output_artifact_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT(id) DO UPDATE SET status = excluded.status, started_at = excluded.started_at,
            ended_at = excluded.ended_at, error = excluded.error,
            output_artifact_id = excluded.output_artifact_id
          """,
        arguments: [
          step.id.uuidString, step.runID.uuidString, step.name, step.codeVersion, step.cacheKey,
          step.status.rawValue, step.startedAt?.storedValue, step.endedAt?.storedValue, step.error,
          step.outputArtifactID?.uuidString,
        ])
    }
  }

  public func recordLineage(stepRunID: UUID, consumed artifactIDs: [UUID]) async throws {
    guard !artifactIDs.isEmpty else { return }
    try await database.pool.write { db in
      for id in artifactIDs {
        try db.execute(
          sql: "INSERT OR IGNORE INTO lineage (step_run_id, artifact_id) VALUES (?, ?)",
          arguments: [stepRunID.uuidString, id.uuidString])
      }
    }
  }

  public func registerArtifact(
    name: String, sha256: String, size: Int, metadata: [String: JSONValue], runID: UUID, step: String
  ) async throws -> Artifact {
    try await database.pool.write { db in
      let latest = try Row.fetchOne(
        db, sql: "SELECT * FROM artifacts WHERE name = ? ORDER BY version DESC LIMIT 1", arguments: [name])
      if let latest, let artifact = try? Self.artifact(latest), artifact.sha256 == sha256 {
        return artifact
      }
      let version = ((latest?["version"] as Int?) ?? 0) + 1
      let artifact = Artifact(
        name: name, version: version, sha256: sha256, size: size, metadata: metadata,
        producerRunID: runID, producerStep: step)
      try db.execute(
        sql: """
          INSERT INTO artifacts (id, name, version, sha256, size, metadata, created_at, producer_run_id,
            producer_step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          artifact.id.uuidString, name, version, sha256, size, JSONValue.object(metadata).canonicalJSON,
          artifact.createdAt.storedValue, runID.uuidString, step,
        ])
      return artifact
    }
  }

  public func cachedArtifact(cacheKey: String) async throws -> Artifact? {
    try await database.pool.read { db in
      let row = try Row.fetchOne(
        db,
        sql: """
          SELECT a.* FROM step_runs s JOIN artifacts a ON a.id = s.output_artifact_id
          WHERE s.cache_key = ? AND s.status IN ('succeeded', 'cached')
          ORDER BY s.ended_at DESC LIMIT 1
          """, arguments: [cacheKey])
      return try row.map(Self.artifact)
    }
  }

  public func run(id: UUID) async throws -> PipelineRun? {
    try await database.pool.read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM pipeline_runs WHERE id = ?", arguments: [id.uuidString])
        .map(Self.run)
    }
  }

  public func runs(idPrefix: String) async throws -> [PipelineRun] {
    let prefix = idPrefix.uppercased()
    return try await database.pool.read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM pipeline_runs WHERE id LIKE ? ESCAPE '\\' ORDER BY started_at DESC",
        arguments: [Self.escapeLike(prefix) + "%"]
      ).map(Self.run)
    }
  }

  public func runs(limit: Int, pipeline: String?) async throws -> [PipelineRun] {
    try await database.pool.read { db in
      if let pipeline {
        return try Row.fetchAll(
          db, sql: "SELECT * FROM pipeline_runs WHERE pipeline = ? ORDER BY started_at DESC LIMIT ?",
          arguments: [pipeline, limit]
        ).map(Self.run)
      }
      return try Row.fetchAll(
        db, sql: "SELECT * FROM pipeline_runs ORDER BY started_at DESC LIMIT ?", arguments: [limit]
      ).map(Self.run)
    }
  }

  public func steps(runID: UUID) async throws -> [StepRun] {
    try await database.pool.read { db in
      // rowid is insertion order, which is the execution order.
      try Row.fetchAll(
        db, sql: "SELECT * FROM step_runs WHERE run_id = ? ORDER BY rowid", arguments: [runID.uuidString]
      ).map(Self.step)
    }
  }

  public func artifact(id: UUID) async throws -> Artifact? {
    try await database.pool.read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM artifacts WHERE id = ?", arguments: [id.uuidString])
        .map(Self.artifact)
    }
  }

  public func consumed(stepRunID: UUID) async throws -> [Artifact] {
    try await database.pool.read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT a.* FROM lineage l JOIN artifacts a ON a.id = l.artifact_id
          WHERE l.step_run_id = ? ORDER BY a.name
          """, arguments: [stepRunID.uuidString]
      ).map(Self.artifact)
    }
  }

  @discardableResult
  public func reapOrphanedRuns() async throws -> Int {
    let running = try await database.pool.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM pipeline_runs WHERE status = 'running'").map(Self.run)
    }
    let orphans = running.filter { !$0.owner.isAlive }
    guard !orphans.isEmpty else { return 0 }
    let now = Date().storedValue
    try await database.pool.write { db in
      for run in orphans {
        let message = "the process running it (pid \(run.owner.pid)) ended before the run finished"
        try db.execute(
          sql: "UPDATE pipeline_runs SET status = 'interrupted', ended_at = ?, error = ? WHERE id = ? AND status = 'running'",
          arguments: [now, message, run.id.uuidString])
        try db.execute(
          sql: """
            UPDATE step_runs SET status = 'interrupted', ended_at = ?, error = 'interrupted'
            WHERE run_id = ? AND status IN ('running', 'pending')
            """, arguments: [now, run.id.uuidString])
      }
    }
    return orphans.count
  }

  // MARK: - Rows

  static func escapeLike(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
      .replacingOccurrences(of: "_", with: "\\_")
  }

  static func uuid(_ row: Row, _ column: String) throws -> UUID {
    let text: String = row[column]
    guard let id = UUID(uuidString: text) else {
      throw TwinError.storage("invalid id '\(text)' in column \(column)")
    }
    return id
  }

  static func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
  }

  static func run(_ row: Row) throws -> PipelineRun {
    let ended: Double? = row["ended_at"]
    let startTicks: Int64 = row["owner_start"]
    return PipelineRun(
      id: try uuid(row, "id"), pipeline: row["pipeline"], parameters: try json(row["parameters"]),
      status: RunStatus(rawValue: row["status"]) ?? .failed, startedAt: Date(stored: row["started_at"]),
      endedAt: ended.map(Date.init(stored:)), error: row["error"],
      owner: ProcessIdentity(
        pid: Int32(truncatingIfNeeded: row["owner_pid"] as Int64),
        startTicks: UInt64(bitPattern: startTicks), hostname: row["owner_host"]))
  }

  static func step(_ row: Row) throws -> StepRun {
    let started: Double? = row["started_at"]
    let ended: Double? = row["ended_at"]
    let output: String? = row["output_artifact_id"]
    return StepRun(
      id: try uuid(row, "id"), runID: try uuid(row, "run_id"), name: row["name"],
      codeVersion: row["code_version"], cacheKey: row["cache_key"],
      status: StepStatus(rawValue: row["status"]) ?? .failed, startedAt: started.map(Date.init(stored:)),
      endedAt: ended.map(Date.init(stored:)), error: row["error"],
      outputArtifactID: output.flatMap(UUID.init(uuidString:)))
  }

  static func artifact(_ row: Row) throws -> Artifact {
    var metadata: [String: JSONValue] = [:]
    if case .object(let o) = try json(row["metadata"]) { metadata = o }
    return Artifact(
      id: try uuid(row, "id"), name: row["name"], version: row["version"], sha256: row["sha256"],
      size: row["size"], metadata: metadata, createdAt: Date(stored: row["created_at"]),
      producerRunID: try uuid(row, "producer_run_id"), producerStep: row["producer_step"])
  }
}
