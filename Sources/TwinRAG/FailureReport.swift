import TwinCore

/// A question that got no answer, as clients read it, the same from `POST /rag` (a body or an
/// SSE `error` event) and `twin rag --json`: `{"error": {"type", "message"}, "trace_id"}`.
public struct FailureReport: Encodable, Sendable, CustomStringConvertible {
  public var error: Detail
  /// The trace to look up (`twin traces show`), when the failure has one.
  public var traceID: String?
  /// What kind of failure it was; its HTTP status and exit code follow from it.
  public let category: ErrorCategory

  public struct Detail: Encodable, Sendable {
    /// `blocked:<check>` for a guardrail's refusal, else the category's name
    /// (`invalid_request_error`, `not_found_error`, `timeout`, `upstream_error`, `server_error`).
    public var type: String
    public var message: String
  }

  enum CodingKeys: String, CodingKey {
    case error
    case traceID = "trace_id"
  }

  /// A failure of `category`; `check` names the guardrail when it is `.blocked`.
  public init(_ category: ErrorCategory, message: String, check: String? = nil, traceID: String? = nil) {
    self.category = category
    let type = category == .blocked ? "blocked:\(check ?? "guardrail")" : category.rawValue
    error = Detail(type: type, message: message)
    self.traceID = traceID
  }

  public init(_ failure: RAGService.Failure) {
    var check: String?
    if case .blocked(let name) = failure.kind { check = name }
    self.init(failure.category, message: failure.reason, check: check, traceID: failure.traceID)
  }

  /// Whether a guardrail refused the question.
  public var isBlocked: Bool { category == .blocked }

  /// In words, for a terminal: which check refused (or what failed), and the trace.
  public var description: String {
    let what =
      switch category {
      case .blocked: "refused by \(error.type.dropFirst("blocked:".count))"
      case .notFound: "not found"
      case .invalidInput, .configuration: "invalid input"
      case .timeout: "timed out"
      case .unavailable: "the LLM backend failed"
      case .storage, .failed: "failed"
      }
    return "\(what): \(error.message)" + (traceID.map { " (trace \($0))" } ?? "")
  }
}
