/// A question that got no answer, as clients read it, the same from `POST /rag` (a body or an
/// SSE `error` event) and `twin rag --json`: `{"error": {"type", "message"}, "trace_id"}`.
public struct FailureReport: Encodable, Sendable, CustomStringConvertible {
  public var error: Detail
  /// The trace to look up (`twin traces show`), when the failure has one.
  public var traceID: String?

  public struct Detail: Encodable, Sendable {
    /// `blocked:<check>`, `invalid_request_error`, `not_found_error`, `server_error` or `timeout`.
    public var type: String
    public var message: String
  }

  enum CodingKeys: String, CodingKey {
    case error
    case traceID = "trace_id"
  }

  public init(type: String, message: String, traceID: String? = nil) {
    error = Detail(type: type, message: message)
    self.traceID = traceID
  }

  public init(_ failure: RAGService.Failure) {
    let type: String
    switch failure.kind {
    case .blocked(let check): type = "blocked:\(check)"
    case .invalid: type = "invalid_request_error"
    case .notFound: type = "not_found_error"
    case .failed: type = "server_error"
    }
    self.init(type: type, message: failure.reason, traceID: failure.traceID)
  }

  /// Whether a guardrail refused the question.
  public var isBlocked: Bool { error.type.hasPrefix("blocked:") }

  /// In words, for a terminal: which check refused (or what failed), and the trace.
  public var description: String {
    let what =
      switch error.type {
      case "server_error": "failed"
      case "not_found_error": "not found"
      case "invalid_request_error": "invalid input"
      case "timeout": "timed out"
      default: "refused by \(error.type.dropFirst("blocked:".count))"
      }
    return "\(what): \(error.message)" + (traceID.map { " (trace \($0))" } ?? "")
  }
}
