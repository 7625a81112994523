/// Why a fetch failed. Every message names the URL at fault (for a redirect, the hop that
/// failed), without any user name or password it carried.
public enum FetchError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The text is not an absolute URL with a host.
  case invalidURL(String)
  /// Only `http` and `https` are fetched.
  case unsupportedScheme(url: String, scheme: String)
  /// The host resolves to an address in a range the crawler refuses (see ``SpecialAddressRange``).
  case privateAddressBlocked(url: String, address: String, range: SpecialAddressRange)
  /// The site's robots.txt disallows this URL for our user agent.
  case robotsDisallowed(url: String)
  /// The server answered with a status other than 2xx (after retries, for transient ones).
  case httpStatus(url: String, code: Int)
  /// More redirects than the policy allows.
  case tooManyRedirects(url: String, limit: Int)
  /// A redirect led back to a URL already visited.
  case redirectLoop(url: String)
  /// The body is larger than the policy allows; reading stopped at the limit.
  case bodyTooLarge(url: String, limit: Int)
  /// The server sent a content type the caller did not ask for.
  case unsupportedContentType(url: String, mimeType: String)
  /// Connecting, reading or the whole fetch took longer than the policy allows.
  case timeout(url: String)
  /// The connection failed (refused, reset, DNS, TLS); `reason` is the underlying error.
  case network(url: String, reason: String)

  /// The URL the error is about.
  public var url: String {
    switch self {
    case .invalidURL(let url), .unsupportedScheme(let url, _),
      .privateAddressBlocked(let url, _, _), .robotsDisallowed(let url), .httpStatus(let url, _),
      .tooManyRedirects(let url, _), .redirectLoop(let url), .bodyTooLarge(let url, _),
      .unsupportedContentType(let url, _), .timeout(let url), .network(let url, _):
      url
    }
  }

  public var description: String {
    switch self {
    case .invalidURL(let url):
      "invalid URL \(quoted: url): expected an absolute http(s) URL with a host"
    case .unsupportedScheme(let url, let scheme):
      "unsupported scheme \(quoted: scheme) in \(url): only http and https can be fetched"
    case .privateAddressBlocked(let url, let address, let range):
      "refusing to fetch \(url): it resolves to \(address), in the \(range) "
        + "(set allowPrivateNetwork to crawl local or private hosts)"
    case .robotsDisallowed(let url):
      "robots.txt disallows fetching \(url)"
    case .httpStatus(let url, let code):
      "HTTP \(code) from \(url)"
    case .tooManyRedirects(let url, let limit):
      "too many redirects (more than \(limit)) fetching \(url)"
    case .redirectLoop(let url):
      "redirect loop: \(url) redirects back to a URL already visited"
    case .bodyTooLarge(let url, let limit):
      "response from \(url) exceeds the \(limit)-byte limit"
    case .unsupportedContentType(let url, let mimeType):
      "unsupported content type \(quoted: mimeType) at \(url)"
    case .timeout(let url):
      "timed out fetching \(url)"
    case .network(let url, let reason):
      "network error fetching \(url): \(reason)"
    }
  }
}

extension DefaultStringInterpolation {
  /// Interpolates a value in double quotes, so empty or space-padded values stay visible.
  fileprivate mutating func appendInterpolation(quoted value: String) {
    appendLiteral("\"")
    appendLiteral(value)
    appendLiteral("\"")
  }
}
