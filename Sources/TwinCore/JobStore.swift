import Foundation

/// A unit of asynchronous work (a RAG question posted to `/rag/jobs`), persisted so it
/// survives a restart of the service that runs it.
public struct Job: Sendable, Codable, Hashable, Identifiable {
  public enum Status: String, Sendable, Codable, Hashable {
    case queued, running, succeeded, failed
  }

  public var id: String
  /// What kind of work: `rag`.
  public var kind: String
  public var status: Status
  public var request: JSONValue
  public var result: JSONValue?
  public var error: String?
  public var createdAt: Date
  public var updatedAt: Date
  /// How many times a worker started it (a restart mid-run starts it again).
  public var attempts: Int

  public init(
    id: String, kind: String, status: Status, request: JSONValue, result: JSONValue? = nil, error: String? = nil,
    createdAt: Date, updatedAt: Date, attempts: Int = 0
  ) {
    self.id = id
    self.kind = kind
    self.status = status
    self.request = request
    self.result = result
    self.error = error
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.attempts = attempts
  }
}

/// The job-queue port (SQLite: `SQLiteJobStore`). Every change is one transaction.
public protocol JobStore: Sendable {
  /// Adds a queued job, unless `limit` jobs of `kind` already wait (queued or running): then
  /// it throws ``JobQueueFull`` and stores nothing. Counting and adding are one transaction.
  func enqueue(kind: String, request: JSONValue, limit: Int) async throws -> Job
  func job(id: String) async throws -> Job?
  /// Marks the oldest queued job of `kind` running and returns it, or nil when none waits.
  func claimNext(kind: String) async throws -> Job?
  func finish(id: String, result: JSONValue) async throws
  func fail(id: String, error: String) async throws
  /// Puts jobs left `running` by a stopped process back in the queue; returns how many.
  func requeueInterrupted(kind: String) async throws -> Int
  /// Puts one running job back in the queue (its worker is stopping before it finished).
  func requeue(id: String) async throws
}

/// The job queue holds as many waiting jobs as it may.
public struct JobQueueFull: Error, Sendable, CustomStringConvertible {
  /// How many jobs may wait at once.
  public var limit: Int
  public init(limit: Int) { self.limit = limit }
  public var description: String { "the job queue is full (\(limit) jobs waiting)" }
}
