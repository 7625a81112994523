import Foundation
import GRDB
import TwinCore
import TwinOrchestrator

/// The embedded experiment tracker: runs, their metrics by step and their artifacts, in the
/// workspace database. Each call is its own transaction, so a run that crashes keeps its curve.
public struct SQLiteExperimentStore: ExperimentStore {
  let database: TwinDatabase

  public init(database: TwinDatabase) {
    self.database = database
  }

  public func start(_ run: ExperimentRun) async throws {
    try await start(run, owner: .current)
  }

  /// Records `run` as started by `owner`, the process ``reapOrphanedRuns()`` checks is alive.
  public func start(_ run: ExperimentRun, owner: ProcessIdentity) async throws {
    try await database.pool.write { db in
      try db.execute(
        sql: """
          INSERT INTO experiment_runs
            (id, experiment, name, status, parameters, inputs, pipeline_run_id, started_at, ended_at,
             owner_pid, owner_start, owner_host)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (id) DO UPDATE SET status = excluded.status, ended_at = NULL, owner_pid = excluded.owner_pid,
            owner_start = excluded.owner_start, owner_host = excluded.owner_host
          """,
        arguments: [
          Self.key(run.id), run.experiment, run.name, run.status.rawValue, run.parameters.canonicalJSON,
          try JSONValue.from(run.inputs).canonicalJSON, run.pipelineRunID.map(Self.key), run.startedAt.storedValue,
          run.endedAt?.storedValue, Int64(owner.pid), Int64(bitPattern: owner.startTicks), owner.hostname,
        ])
    }
  }

  public func log(_ points: [MetricPoint], run: UUID) async throws {
    guard !points.isEmpty else { return }
    for point in points where point.key.isEmpty || point.key.count > 250 {
      throw TwinError.invalidInput("'\(point.key)' is not a metric name: 1 to 250 characters")
    }
    try await database.pool.write { db in
      try Self.requireRun(run, db)
      let insert = try db.makeStatement(
        sql: "INSERT OR REPLACE INTO experiment_metrics (run_id, key, step, value, time) VALUES (?, ?, ?, ?, ?)")
      for point in points {
        // SQLite has no NaN: a loss that went NaN is stored as NULL and read back as NaN.
        try insert.execute(arguments: [
          Self.key(run), point.key, point.step, point.value.isNaN ? nil : point.value, point.time.storedValue,
        ])
      }
    }
  }

  public func attach(_ artifact: RunArtifact, file: URL, run: UUID) async throws {
    try await database.pool.write { db in
      try Self.requireRun(run, db)
      try db.execute(
        sql: "INSERT OR REPLACE INTO experiment_artifacts (run_id, path, blob, bytes) VALUES (?, ?, ?, ?)",
        arguments: [Self.key(run), artifact.path, artifact.blob, artifact.bytes])
    }
  }

  public func finish(_ run: UUID, status: ExperimentStatus) async throws {
    try await database.pool.write { db in
      try Self.requireRun(run, db)
      try db.execute(
        sql: "UPDATE experiment_runs SET status = ?, ended_at = ? WHERE id = ?",
        arguments: [status.rawValue, Date().storedValue, Self.key(run)])
    }
  }

  public func runs(experiment: String?, limit: Int) async throws -> [ExperimentRun] {
    try await database.pool.read { db in
      let rows =
        if let experiment {
          try Row.fetchAll(
            db, sql: "SELECT * FROM experiment_runs WHERE experiment = ? ORDER BY started_at DESC LIMIT ?",
            arguments: [experiment, limit])
        } else {
          try Row.fetchAll(db, sql: "SELECT * FROM experiment_runs ORDER BY started_at DESC LIMIT ?", arguments: [limit])
        }
      return try rows.map(Self.run)
    }
  }

  public func run(_ id: String) async throws -> ExperimentRun {
    let prefix = id.lowercased()
    guard prefix.count >= 4, prefix.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
      throw TwinError.invalidInput("'\(id)' is not a run id: give the id `twin experiments list` shows (8 characters are enough)")
    }
    let pattern = SQLiteRunStore.escapeLike(prefix) + "%"
    // Rows are not Sendable: they become runs inside the read.
    let runs = try await database.pool.read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM experiment_runs WHERE id LIKE ? ESCAPE '\\' ORDER BY started_at DESC LIMIT 2",
        arguments: [pattern]
      ).map(Self.run)
    }
    guard let first = runs.first else {
      throw TwinError.notFound(kind: .experimentRun, name: id, hint: "`twin experiments list` shows the runs")
    }
    guard runs.count == 1 else { throw TwinError.invalidInput("'\(id)' starts more than one run's id: give more of it") }
    return first
  }

  public func metrics(run: UUID) async throws -> [MetricPoint] {
    try await database.pool.read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM experiment_metrics WHERE run_id = ? ORDER BY key, step", arguments: [Self.key(run)]
      ).map {
        let value: Double? = $0["value"]
        return MetricPoint(key: $0["key"], step: $0["step"], value: value ?? .nan, time: Date(stored: $0["time"]))
      }
    }
  }

  public func artifacts(run: UUID) async throws -> [RunArtifact] {
    try await database.pool.read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM experiment_artifacts WHERE run_id = ? ORDER BY path", arguments: [Self.key(run)]
      ).map { RunArtifact(path: $0["path"], blob: $0["blob"], bytes: $0["bytes"]) }
    }
  }

  public func reapOrphanedRuns() async throws -> Int {
    let running = try await database.pool.read { db in
      try Row.fetchAll(db, sql: "SELECT id, owner_pid, owner_start, owner_host FROM experiment_runs WHERE status = 'running'")
        .map { row -> (String, ProcessIdentity) in
          let start: Int64 = row["owner_start"]
          return (
            row["id"],
            ProcessIdentity(
              pid: Int32(truncatingIfNeeded: row["owner_pid"] as Int64), startTicks: UInt64(bitPattern: start),
              hostname: row["owner_host"])
          )
        }
    }
    let orphans = running.filter { !$0.1.isAlive }.map(\.0)
    guard !orphans.isEmpty else { return 0 }
    let now = Date().storedValue
    try await database.pool.write { db in
      for id in orphans {
        try db.execute(
          sql: "UPDATE experiment_runs SET status = 'interrupted', ended_at = ? WHERE id = ? AND status = 'running'",
          arguments: [now, id])
      }
    }
    return orphans.count
  }

  // MARK: - Rows

  static func key(_ id: UUID) -> String { id.uuidString.lowercased() }

  static func requireRun(_ run: UUID, _ db: Database) throws {
    guard try Bool.fetchOne(db, sql: "SELECT 1 FROM experiment_runs WHERE id = ?", arguments: [key(run)]) != nil else {
      throw TwinError.notFound(kind: .experimentRun, name: key(run), hint: "start the run before logging to it")
    }
  }

  static func run(_ row: Row) throws -> ExperimentRun {
    let id: String = row["id"]
    guard let uuid = UUID(uuidString: id), let status = ExperimentStatus(rawValue: row["status"]),
      let parameters = try? JSONDecoder().decode(JSONValue.self, from: Data((row["parameters"] as String).utf8)),
      let inputs = try? JSONDecoder().decode([String].self, from: Data((row["inputs"] as String).utf8))
    else { throw TwinError.storage("experiment run \(id) is unreadable") }
    return ExperimentRun(
      id: uuid, experiment: row["experiment"], name: row["name"], status: status, parameters: parameters, inputs: inputs,
      pipelineRunID: (row["pipeline_run_id"] as String?).flatMap(UUID.init(uuidString:)),
      startedAt: Date(stored: row["started_at"]), endedAt: (row["ended_at"] as Double?).map(Date.init(stored:)))
  }
}
