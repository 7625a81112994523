import Foundation
import Synchronization

/// How a traced call or one of its steps ended.
public enum TraceStatus: String, Sendable, Codable, Hashable, CaseIterable {
  case ok
  /// A guardrail refused (answered with a 4xx, not a failure of Twin's).
  case blocked
  case error
}

/// One monitored call (a RAG answer, say): its input and output and the spans of its steps.
/// Traces are the prompt-monitoring record (the Handbook's Opik role), stored in the workspace.
public struct Trace: Sendable, Codable, Hashable, Identifiable {
  public var id: String
  /// What was traced: `rag`.
  public var name: String
  public var startedAt: Date
  public var durationMilliseconds: Double
  public var status: TraceStatus
  public var input: JSONValue
  public var output: JSONValue
  public var spans: [TraceSpan]

  public init(
    id: String, name: String, startedAt: Date, durationMilliseconds: Double, status: TraceStatus, input: JSONValue,
    output: JSONValue, spans: [TraceSpan]
  ) {
    self.id = id
    self.name = name
    self.startedAt = startedAt
    self.durationMilliseconds = durationMilliseconds
    self.status = status
    self.input = input
    self.output = output
    self.spans = spans
  }
}

/// One step of a trace.
public struct TraceSpan: Sendable, Codable, Hashable {
  /// The step: `guardrails.input`, `self_query`, `query_expansion`, `search`, `rerank`,
  /// `prompt`, `generation`, `guardrails.output`.
  public var name: String
  public var startedAt: Date
  public var durationMilliseconds: Double
  public var input: JSONValue
  public var output: JSONValue
  /// Model id, prompt-template version, token counts and the like.
  public var attributes: [String: JSONValue]
  public var status: TraceStatus
  public var error: String?

  public init(
    name: String, startedAt: Date, durationMilliseconds: Double, input: JSONValue, output: JSONValue,
    attributes: [String: JSONValue] = [:], status: TraceStatus = .ok, error: String? = nil
  ) {
    self.name = name
    self.startedAt = startedAt
    self.durationMilliseconds = durationMilliseconds
    self.input = input
    self.output = output
    self.attributes = attributes
    self.status = status
    self.error = error
  }
}

/// A user's judgement of a traced answer; the preference-dataset pipeline consumes these.
public struct Feedback: Sendable, Codable, Hashable {
  /// The store's id for it (nil until stored).
  public var id: Int64?
  public var traceID: String
  /// The user's score; conventionally 1 (good) or -1 (bad), any number is kept.
  public var score: Double
  public var comment: String?
  public var correctedAnswer: String?
  public var createdAt: Date

  public init(
    id: Int64? = nil, traceID: String, score: Double, comment: String? = nil, correctedAnswer: String? = nil,
    createdAt: Date = Date()
  ) {
    self.id = id
    self.traceID = traceID
    self.score = score
    self.comment = comment
    self.correctedAnswer = correctedAnswer
    self.createdAt = createdAt
  }
}

/// The trace store port (SQLite: `SQLiteTraceStore`).
public protocol TraceStore: Sendable {
  /// Stores a trace with all its spans in one transaction (saving the same id again replaces it).
  func save(_ trace: Trace) async throws
  func trace(id: String) async throws -> Trace?
  /// The most recent traces first, without their spans.
  func recentTraces(limit: Int) async throws -> [Trace]
  /// Stores feedback; an unknown trace id is `TwinError.notFound`.
  func addFeedback(_ feedback: Feedback) async throws
  func feedback(traceID: String) async throws -> [Feedback]
  /// Every feedback entry with a corrected answer, oldest first (the preference pairs'
  /// source).
  func correctedFeedback() async throws -> [Feedback]
}

/// Collects the spans of one trace as the traced work runs; safe to use from concurrent tasks
/// (parallel searches record their spans side by side).
public final class TraceRecorder: Sendable {
  public let id: String
  public let name: String
  public let startedAt: Date
  private let spans = Mutex<[TraceSpan]>([])

  public init(name: String, id: String = UUID().uuidString.lowercased()) {
    self.id = id
    self.name = name
    startedAt = Date()
  }

  public func record(_ span: TraceSpan) { spans.withLock { $0.append(span) } }

  /// Runs `body` as a span named `name`: times it and records its output, or the error it threw.
  /// `body` returns its result with the span's output and attributes.
  public func span<T: Sendable>(
    _ name: String, input: JSONValue,
    _ body: () async throws -> (result: T, output: JSONValue, attributes: [String: JSONValue])
  ) async throws -> T {
    let start = Date()
    do {
      let (result, output, attributes) = try await body()
      record(
        TraceSpan(
          name: name, startedAt: start, durationMilliseconds: Date().timeIntervalSince(start) * 1000, input: input,
          output: output, attributes: attributes))
      return result
    } catch {
      let status: TraceStatus = (error as? Blocked) != nil ? .blocked : .error
      record(
        TraceSpan(
          name: name, startedAt: start, durationMilliseconds: Date().timeIntervalSince(start) * 1000, input: input,
          output: .null, status: status, error: "\(error)"))
      throw error
    }
  }

  /// The finished trace, spans in start order.
  public func finish(status: TraceStatus, input: JSONValue, output: JSONValue) -> Trace {
    Trace(
      id: id, name: name, startedAt: startedAt, durationMilliseconds: Date().timeIntervalSince(startedAt) * 1000,
      status: status, input: input, output: output,
      spans: spans.withLock { $0 }.sorted { $0.startedAt < $1.startedAt })
  }

  /// A refusal by a guardrail: recorded with status `blocked`, answered with a 4xx.
  public struct Blocked: Error, Sendable, CustomStringConvertible {
    public var check: String
    public var reason: String
    public init(check: String, reason: String) {
      self.check = check
      self.reason = reason
    }
    public var description: String { "blocked by \(check): \(reason)" }
  }
}
