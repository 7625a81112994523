import Foundation
import GRDB
import TwinCore

/// The embedded job queue (`jobs` table in the workspace database). Claiming is one
/// transaction, so two workers never run the same job.
public struct SQLiteJobStore: JobStore {
  let database: TwinDatabase

  public init(database: TwinDatabase) {
    self.database = database
  }

  public func enqueue(kind: String, request: JSONValue, limit: Int) async throws -> Job {
    let now = Date()
    let job = Job(
      id: UUID().uuidString.lowercased(), kind: kind, status: .queued, request: request, createdAt: now, updatedAt: now)
    try await database.pool.write { db in
      let waiting = try Int.fetchOne(
        db, sql: "SELECT COUNT(*) FROM jobs WHERE kind = ? AND status IN ('queued', 'running')", arguments: [kind]) ?? 0
      guard waiting < limit else { throw JobQueueFull(limit: limit) }
      try db.execute(
        sql: """
          INSERT INTO jobs (id, kind, status, request, created_at, updated_at, attempts)
          VALUES (?, ?, ?, ?, ?, ?, 0)
          """,
        arguments: [job.id, kind, job.status.rawValue, request.canonicalJSON, now.storedValue, now.storedValue])
    }
    return job
  }

  public func job(id: String) async throws -> Job? {
    try await database.pool.read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Self.job)
    }
  }

  public func claimNext(kind: String) async throws -> Job? {
    try await database.pool.write { db in
      guard
        let row = try Row.fetchOne(
          db, sql: "SELECT * FROM jobs WHERE kind = ? AND status = 'queued' ORDER BY created_at, id LIMIT 1",
          arguments: [kind])
      else { return nil }
      var job = try Self.job(row)
      job.status = .running
      job.attempts += 1
      job.updatedAt = Date()
      try db.execute(
        sql: "UPDATE jobs SET status = 'running', attempts = ?, updated_at = ? WHERE id = ?",
        arguments: [job.attempts, job.updatedAt.storedValue, job.id])
      return job
    }
  }

  public func finish(id: String, result: JSONValue) async throws {
    try await database.pool.write { db in
      try db.execute(
        sql: "UPDATE jobs SET status = 'succeeded', result = ?, error = NULL, updated_at = ? WHERE id = ?",
        arguments: [result.canonicalJSON, Date().storedValue, id])
    }
  }

  public func fail(id: String, error: String) async throws {
    try await database.pool.write { db in
      try db.execute(
        sql: "UPDATE jobs SET status = 'failed', error = ?, updated_at = ? WHERE id = ?",
        arguments: [error, Date().storedValue, id])
    }
  }

  public func requeueInterrupted(kind: String) async throws -> Int {
    try await database.pool.write { db in
      try db.execute(
        sql: "UPDATE jobs SET status = 'queued', updated_at = ? WHERE kind = ? AND status = 'running'",
        arguments: [Date().storedValue, kind])
      return db.changesCount
    }
  }

  public func requeue(id: String) async throws {
    try await database.pool.write { db in
      try db.execute(
        sql: "UPDATE jobs SET status = 'queued', updated_at = ? WHERE id = ? AND status = 'running'",
        arguments: [Date().storedValue, id])
    }
  }

  private static func job(_ row: Row) throws -> Job {
    func json(_ text: String?) throws -> JSONValue? {
      try text.map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
    }
    return Job(
      id: row["id"], kind: row["kind"], status: Job.Status(rawValue: row["status"]) ?? .failed,
      request: try json(row["request"]) ?? .null, result: try json(row["result"]), error: row["error"],
      createdAt: Date(stored: row["created_at"]), updatedAt: Date(stored: row["updated_at"]), attempts: row["attempts"])
  }
}
