/// How ``HTTPFetcher`` behaves on the network: limits, politeness and safety.
///
/// The defaults suit crawling a person's public writing from the open web: polite to each site,
/// bounded in time and memory, and unable to reach private networks. Tests against a loopback
/// server set ``allowPrivateNetwork`` and zero delays.
public struct FetchPolicy: Sendable, Equatable {
  /// The values the `crawl.*` settings accept.
  public enum Ranges {
    public static let totalTimeoutSeconds = 0.1...600.0
    public static let maxBodyBytes = 1024...1_073_741_824
    public static let maxRedirects = 0...20
    public static let maxRetries = 0...10
    public static let perHostConcurrency = 1...64
    public static let perHostDelayMilliseconds = 0...60_000
    public static let globalConcurrency = 1...256
  }

  /// Sent with every request, robots.txt included, so site owners can tell who is crawling.
  public var userAgent = "TwinBot/0.1 (+https://github.com/twin-llm/twin; LLM twin crawler)"
  /// The product token matched against robots.txt `User-agent` lines.
  public var robotsToken = "TwinBot"
  /// Whether robots.txt is fetched and obeyed.
  public var respectsRobotsTxt = true

  /// How long establishing a connection (TCP and TLS) may take.
  public var connectTimeout: Duration = .seconds(10)
  /// How long the server may stay silent while a response is being read.
  public var readTimeout: Duration = .seconds(30)
  /// The deadline for a whole fetch: every redirect, retry and wait included.
  public var totalTimeout: Duration = .seconds(30)

  /// The largest body read; a longer one fails with ``FetchError/bodyTooLarge(url:limit:)``
  /// as soon as the limit is crossed, without buffering the rest.
  public var maxBodyBytes = 8 * 1024 * 1024
  /// The largest robots.txt read; RFC 9309 asks crawlers to parse at least 500 KiB and to
  /// ignore what follows, so a longer file is truncated rather than refused.
  public var maxRobotsBytes = 512 * 1024
  /// How many redirects a fetch follows. Each hop is checked again against the address guard
  /// and robots.txt.
  public var maxRedirects = 5
  /// The content kinds a fetch accepts when the caller does not say.
  public var acceptedContent: AcceptedContent = .documents

  /// How many times a transient failure (429, 502, 503, 504, or a connection error) is retried.
  public var maxRetries = 3
  /// The first retry's delay; each retry doubles it, with random jitter, up to ``retryMaxDelay``.
  public var retryBaseDelay: Duration = .milliseconds(500)
  /// The longest computed backoff between retries.
  public var retryMaxDelay: Duration = .seconds(8)
  /// The longest `Retry-After` honoured; a server asking for a longer wait gets no retry.
  public var maxRetryAfter: Duration = .seconds(30)

  /// How many requests may be in flight to one host at once.
  public var perHostConcurrency = 2
  /// The least time between the starts of two requests to the same host.
  public var perHostMinimumDelay: Duration = .milliseconds(250)
  /// How many requests may be in flight in total.
  public var globalConcurrency = 8

  /// Whether hosts that resolve to loopback, private, link-local and other special addresses
  /// (see ``SpecialAddressRange``) may be fetched. Off by default: a link from the web must not
  /// make the crawler reach the machine it runs on or the network around it.
  public var allowPrivateNetwork = false

  /// The defaults described on each property.
  public init() {}
}
