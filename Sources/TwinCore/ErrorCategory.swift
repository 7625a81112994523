/// What kind of failure an error is, whichever layer raised it: the one place that decides a
/// command's exit code, an HTTP status and the `type` clients see in an error body.
public enum ErrorCategory: String, Sendable, Codable, CaseIterable {
  /// The request or input is malformed or breaks a rule.
  case invalidInput = "invalid_request_error"
  /// A setting, file of settings or variable is wrong.
  case configuration = "configuration_error"
  /// Something named does not exist.
  case notFound = "not_found_error"
  /// A guardrail refused the question or the answer.
  case blocked = "blocked"
  /// The work outlasted its clock.
  case timeout = "timeout"
  /// A backend (an LLM server, a website) failed or answered with something unreadable.
  case unavailable = "upstream_error"
  /// Reading or writing the workspace failed; nothing was written.
  case storage = "storage_error"
  /// Anything else: a bug, or a failure with no better name.
  case failed = "server_error"

  /// The category of `error`: its own when it declares one (``CategorizedError``), else
  /// ``failed``.
  public init(of error: any Error) {
    self = (error as? any CategorizedError)?.category ?? .failed
  }

  /// The process exit status, from BSD's `sysexits.h` so scripts can tell failures apart
  /// (64, a command-line usage error, is ArgumentParser's own).
  public var exitCode: Int32 {
    switch self {
    case .invalidInput, .blocked: 65  // EX_DATAERR
    case .notFound: 66  // EX_NOINPUT
    case .unavailable: 69  // EX_UNAVAILABLE
    case .failed: 70  // EX_SOFTWARE
    case .storage: 74  // EX_IOERR
    case .timeout: 75  // EX_TEMPFAIL
    case .configuration: 78  // EX_CONFIG
    }
  }

  /// The HTTP status of a reply that failed this way.
  public var httpStatus: Int {
    switch self {
    case .invalidInput: 400
    case .notFound: 404
    case .blocked: 422
    case .configuration, .storage, .failed: 500
    case .unavailable: 502
    case .timeout: 503
    }
  }
}

/// An error that says which ``ErrorCategory`` it belongs to.
public protocol CategorizedError: Error {
  var category: ErrorCategory { get }
}

extension TwinError: CategorizedError {
  public var category: ErrorCategory {
    switch self {
    case .invalidInput: .invalidInput
    case .configuration: .configuration
    case .notFound: .notFound
    case .storage: .storage
    }
  }
}

extension LanguageModelError: CategorizedError {
  public var category: ErrorCategory {
    switch self {
    case .invalidRequest: .invalidInput
    case .backend, .malformedReply, .truncated: .unavailable
    }
  }
}
