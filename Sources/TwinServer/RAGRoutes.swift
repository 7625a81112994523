import Foundation
import Hummingbird
import TwinCore
import TwinRAG

/// The business service's routes: `POST /rag` (online, optionally streamed), `/rag/jobs`
/// (asynchronous) and `POST /feedback`.
struct RAGRoutes: Sendable {
  let service: RAGService
  let jobs: any JobStore
  let traces: any TraceStore
  let queue: PermitQueue
  let worker: JobWorker
  let metrics: ServerMetrics
  /// `/rag/jobs` waiting or running at once.
  let jobQueueLimit: Int
  /// The longest a `/rag` request may run, streamed or not.
  let timeoutSeconds: Double

  /// `POST /rag` body.
  struct Ask: Codable, Sendable {
    var query: String
    var author: String?
    var k: Int?
    var stream: Bool?

    var rag: RAGService.Query { RAGService.Query(query: query, author: author, k: k) }
  }

  func register(on router: Router<BasicRequestContext>) {
    router.post("/rag") { request, _ in try await ask(request) }
    router.post("/rag/jobs") { request, _ in try await submit(request) }
    router.get("/rag/jobs/:id") { _, context in
      let id = try context.parameters.require("id")
      guard let job = try await jobs.job(id: id) else {
        return HTTPJSON.error(.notFound, "no job \(id)", type: "not_found_error")
      }
      return try HTTPJSON.response(JobView(job))
    }
    router.post("/feedback") { request, _ in try await feedback(request) }
  }

  func ask(_ http: Request) async throws -> Response {
    let body = try await HTTPJSON.decode(Ask.self, from: http)
    // Checked before a stream starts, so a bad request is a 400, not a 200 with an error event.
    if let problem = body.rag.problem { return HTTPJSON.error(.badRequest, problem) }
    do { try await queue.acquire() } catch is PermitQueue.Full {
      metrics.ragRequest("rejected")
      return HTTPJSON.busy("the service is busy: try again shortly")
    }
    if body.stream == true { return stream(body) }
    defer { Task { await queue.release() } }
    let started = ContinuousClock.now
    let service = service
    do {
      let answer = try await withTimeout(timeoutSeconds) { try await service.answer(body.rag) }
      metrics.ragRequest("ok", duration: .now - started)
      return try HTTPJSON.response(answer)
    } catch let failure as RAGService.Failure {
      return response(failure)
    } catch is TimedOut {
      metrics.ragRequest("timeout")
      return HTTPJSON.error(.timeout, "the question took over \(Int(timeoutSeconds)) s")
    }
  }

  func response(_ failure: RAGService.Failure) -> Response {
    let status = HTTPResponse.Status(code: failure.category.httpStatus)
    metrics.ragRequest(Self.outcome(of: failure))
    return (try? HTTPJSON.response(FailureReport(failure), status: status)) ?? HTTPJSON.error(status, failure.reason)
  }

  /// How a refused or failed question is counted: `blocked` by a guardrail, else `error`.
  static func outcome(of failure: RAGService.Failure) -> String {
    if case .blocked = failure.kind { return "blocked" }
    return "error"
  }

  /// Server-sent events: `token` events with the answer's text as it is generated, then one
  /// `answer` event (the full JSON reply) or one `error` event.
  func stream(_ body: Ask) -> Response {
    let service = service
    let queue = queue
    let metrics = metrics
    let timeout = timeoutSeconds
    let response = ResponseBody { writer in
      defer { Task { await queue.release() } }
      let (pieces, continuation) = AsyncStream<String>.makeStream()
      let work = Task {
        defer { continuation.finish() }
        return try await withTimeout(timeout) {
          try await service.answer(body.rag) { piece in continuation.yield(piece) }
        }
      }
      do {
        for await piece in pieces { try await writer.write(Operations.event(["text": piece], name: "token")) }
        let answer = try await work.value
        try await writer.write(Operations.event(answer, name: "answer"))
        metrics.ragRequest("ok")
      } catch is TimedOut {
        metrics.ragRequest("timeout")
        try? await writer.write(
          Operations.event(FailureReport(.timeout, message: "the question took over \(Int(timeout)) s"), name: "error"))
      } catch let failure as RAGService.Failure {
        metrics.ragRequest(Self.outcome(of: failure))
        try? await writer.write(
          Operations.event(
            FailureReport(failure), name: "error"))
      } catch {
        // The client went away: stop the work (its generation ends at the next token).
        work.cancel()
      }
      try await writer.finish(nil)
    }
    return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: response)
  }

  func submit(_ http: Request) async throws -> Response {
    let body = try await HTTPJSON.decode(Ask.self, from: http)
    // Refused now rather than queued to fail later.
    if let problem = body.rag.problem { return HTTPJSON.error(.badRequest, problem) }
    // The question is stored redacted, like its trace: the queue never holds secrets.
    var stored = body.rag
    stored.query = PIIRedactor().redact(stored.query).text
    let job: Job
    do {
      job = try await jobs.enqueue(kind: JobWorker.kind, request: try JSONValue.from(stored), limit: jobQueueLimit)
    } catch let full as JobQueueFull {
      metrics.ragJob("rejected")
      return HTTPJSON.busy("\(full): try again later")
    }
    worker.wake()
    return try HTTPJSON.response(JobView(job), status: .accepted)
  }

  struct FeedbackBody: Decodable {
    var traceID: String
    var score: Double
    var comment: String?
    var correctedAnswer: String?
    enum CodingKeys: String, CodingKey {
      case score, comment
      case traceID = "trace_id"
      case correctedAnswer = "corrected_answer"
    }
  }

  func feedback(_ http: Request) async throws -> Response {
    let body = try await HTTPJSON.decode(FeedbackBody.self, from: http)
    guard body.score.isFinite else { return HTTPJSON.error(.badRequest, "score must be a number") }
    // Feedback is free text from users, stored and shown like traces: redacted the same way.
    let redactor = PIIRedactor()
    do {
      try await traces.addFeedback(
        Feedback(
          traceID: body.traceID, score: body.score, comment: body.comment.map { redactor.redact($0).text },
          correctedAnswer: body.correctedAnswer.map { redactor.redact($0).text }))
    } catch TwinError.notFound(kind: .trace, _, _) {
      return HTTPJSON.error(.notFound, "no trace \(body.traceID)", type: "not_found_error")
    }
    return try HTTPJSON.response(["status": "stored", "trace_id": body.traceID], status: .created)
  }
}

/// A job as the API shows it.
struct JobView: Encodable {
  var id: String
  var status: String
  var result: JSONValue?
  var error: String?
  var createdAt: Date
  var updatedAt: Date
  var attempts: Int

  init(_ job: Job) {
    id = job.id
    status = job.status.rawValue
    result = job.result
    error = job.error
    createdAt = job.createdAt
    updatedAt = job.updatedAt
    attempts = job.attempts
  }

  enum CodingKeys: String, CodingKey {
    case id, status, result, error, attempts
    case createdAt = "created_at"
    case updatedAt = "updated_at"
  }
}
