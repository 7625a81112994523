import Foundation

/// When to retry a transient failure, and how long to wait first.
struct RetryBackoff: Sendable {
  var maxRetries: Int
  var baseDelay: Duration
  var maxDelay: Duration
  var maxRetryAfter: Duration

  /// Statuses that mean "try again later" rather than "no": every 5xx a server sends while
  /// overloaded or restarting (500 included, as the README promises), and 429.
  static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]

  /// The wait before retry number `attempt` (0 for the first retry): exponential, capped, with
  /// "equal jitter" (half fixed, half random) so clients that failed together do not retry
  /// together.
  func delay(attempt: Int) -> Duration {
    let exponential = baseDelay * (1 << min(attempt, 20))
    let capped = min(exponential, maxDelay)
    let half = capped / 2
    return half + half * Double.random(in: 0...1)
  }

  /// The wait before retry number `attempt`, or nil to give up: when the retries are used up, or
  /// when the server's `Retry-After` (seconds or an HTTP date) asks for longer than
  /// ``maxRetryAfter`` (retrying sooner would be rude, waiting longer would stall the crawl).
  /// An unparseable `Retry-After` is ignored in favour of the computed backoff.
  func delay(attempt: Int, retryAfter header: String?, now: Date = Date()) -> Duration? {
    guard attempt < maxRetries else { return nil }
    guard let header, let requested = Self.parseRetryAfter(header, now: now) else {
      return delay(attempt: attempt)
    }
    return requested <= maxRetryAfter ? requested : nil
  }

  /// `Retry-After` as a duration: delta-seconds or an IMF-fixdate (RFC 9110 §10.2.3); dates in
  /// the past mean zero. Nil when the value is neither.
  static func parseRetryAfter(_ header: String, now: Date) -> Duration? {
    let value = header.trimmingCharacters(in: .whitespaces)
    if let seconds = Int(value), seconds >= 0 { return .seconds(seconds) }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: value) else { return nil }
    let interval = max(0, date.timeIntervalSince(now))
    return .milliseconds(Int64((interval * 1000).rounded()))
  }
}
