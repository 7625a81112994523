import Foundation
import GRDB
import TwinCore

/// The embedded trace store: prompt-monitoring traces, their spans and user feedback, in the
/// workspace database (`traces`, `trace_spans`, `feedback`).
public struct SQLiteTraceStore: TraceStore {
  let database: TwinDatabase

  public init(database: TwinDatabase) {
    self.database = database
  }

  public func save(_ trace: Trace) async throws {
    try await database.pool.write { db in
      try db.execute(
        sql: """
          INSERT INTO traces (id, name, started_at, duration_ms, status, input, output) VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT(id) DO UPDATE SET name = excluded.name, started_at = excluded.started_at,
            duration_ms = excluded.duration_ms, status = excluded.status, input = excluded.input,
            output = excluded.output
          """,
        arguments: [
          trace.id, trace.name, trace.startedAt.storedValue, trace.durationMilliseconds, trace.status.rawValue,
          trace.input.canonicalJSON, trace.output.canonicalJSON,
        ])
      try db.execute(sql: "DELETE FROM trace_spans WHERE trace_id = ?", arguments: [trace.id])
      for (position, span) in trace.spans.enumerated() {
        try db.execute(
          sql: """
            INSERT INTO trace_spans (trace_id, position, name, started_at, duration_ms, input, output, attributes,
              status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            trace.id, position, span.name, span.startedAt.storedValue, span.durationMilliseconds,
            span.input.canonicalJSON, span.output.canonicalJSON, JSONValue.object(span.attributes).canonicalJSON,
            span.status.rawValue, span.error,
          ])
      }
    }
  }

  public func trace(id: String) async throws -> Trace? {
    try await database.pool.read { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT * FROM traces WHERE id = ?", arguments: [id]) else {
        return nil
      }
      var trace = try Self.trace(row)
      trace.spans = try Row.fetchAll(
        db, sql: "SELECT * FROM trace_spans WHERE trace_id = ? ORDER BY position", arguments: [id]
      ).map(Self.span)
      return trace
    }
  }

  public func recentTraces(limit: Int) async throws -> [Trace] {
    try await database.pool.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM traces ORDER BY started_at DESC LIMIT ?", arguments: [limit])
        .map(Self.trace)
    }
  }

  public func addFeedback(_ feedback: Feedback) async throws {
    try await database.pool.write { db in
      guard try Bool.fetchOne(db, sql: "SELECT 1 FROM traces WHERE id = ?", arguments: [feedback.traceID]) != nil
      else { throw TwinError.notFound(kind: .trace, name: feedback.traceID) }
      try db.execute(
        sql: "INSERT INTO feedback (trace_id, score, comment, corrected_answer, created_at) VALUES (?, ?, ?, ?, ?)",
        arguments: [
          feedback.traceID, feedback.score, feedback.comment, feedback.correctedAnswer,
          feedback.createdAt.storedValue,
        ])
    }
  }

  public func feedback(traceID: String) async throws -> [Feedback] {
    try await database.pool.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM feedback WHERE trace_id = ? ORDER BY id", arguments: [traceID])
        .map(Self.feedback)
    }
  }

  public func correctedFeedback() async throws -> [Feedback] {
    try await database.pool.read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM feedback WHERE corrected_answer IS NOT NULL AND corrected_answer != '' ORDER BY id"
      ).map(Self.feedback)
    }
  }

  private static func feedback(_ row: Row) -> Feedback {
    Feedback(
      id: row["id"], traceID: row["trace_id"], score: row["score"], comment: row["comment"],
      correctedAnswer: row["corrected_answer"], createdAt: Date(stored: row["created_at"]))
  }

  private static func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
  }

  private static func status(_ text: String) throws -> TraceStatus {
    guard let status = TraceStatus(rawValue: text) else {
      throw TwinError.storage("a stored trace has the unknown status '\(text)'")
    }
    return status
  }

  private static func trace(_ row: Row) throws -> Trace {
    Trace(
      id: row["id"], name: row["name"], startedAt: Date(stored: row["started_at"]),
      durationMilliseconds: row["duration_ms"], status: try status(row["status"]), input: try json(row["input"]),
      output: try json(row["output"]), spans: [])
  }

  private static func span(_ row: Row) throws -> TraceSpan {
    let attributes: [String: JSONValue]
    if case .object(let o) = try json(row["attributes"]) { attributes = o } else { attributes = [:] }
    return TraceSpan(
      name: row["name"], startedAt: Date(stored: row["started_at"]), durationMilliseconds: row["duration_ms"],
      input: try json(row["input"]), output: try json(row["output"]), attributes: attributes,
      status: try status(row["status"]), error: row["error"])
  }
}
