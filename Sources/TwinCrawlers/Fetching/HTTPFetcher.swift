import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import TwinCore
import NIOHTTPCompression

/// Fetches web documents politely and safely, following ``FetchPolicy``.
///
/// Every fetch checks the URL's scheme, refuses hosts that resolve to private addresses (see
/// ``SSRFGuard``), obeys the origin's robots.txt, waits its turn per host and globally, retries
/// transient failures, follows redirects one hop at a time (re-checking each hop), and streams
/// the body under a size limit. One `HTTPClient` is owned and reused for every fetch, so
/// connections are pooled; call ``shutdown()`` once done with the fetcher.
public final class HTTPFetcher: Sendable {
  /// The policy every fetch follows.
  public let policy: FetchPolicy
  private let client: HTTPClient
  private let logger: Logger
  private let robots = RobotsCache()
  private let hosts: HostThrottle
  private let slots: PermitQueue
  private let backoff: RetryBackoff

  /// Creates a fetcher and the HTTP client it owns.
  public init(
    policy: FetchPolicy = FetchPolicy(), logger: Logger = Logger(label: "twin.crawlers.fetch")
  ) {
    self.policy = policy
    self.logger = logger
    hosts = HostThrottle(
      concurrency: policy.perHostConcurrency, minimumDelay: policy.perHostMinimumDelay)
    slots = PermitQueue(permits: policy.globalConcurrency)
    backoff = RetryBackoff(
      maxRetries: policy.maxRetries, baseDelay: policy.retryBaseDelay,
      maxDelay: policy.retryMaxDelay, maxRetryAfter: policy.maxRetryAfter)

    var configuration = HTTPClient.Configuration(
      // Redirects are followed here, hop by hop, so each is checked like the first request.
      redirectConfiguration: .disallow,
      timeout: .init(
        connect: TimeAmount(policy.connectTimeout), read: TimeAmount(policy.readTimeout)),
      // Bounds what one compressed chunk may inflate to; the streaming limit bounds the rest.
      decompression: .enabled(limit: .size(max(policy.maxBodyBytes, policy.maxRobotsBytes))))
    // Connection failures are retried by the fetcher's own backoff, which knows the deadline.
    configuration.connectionPool.retryConnectionEstablishment = false
    if !policy.allowPrivateNetwork {
      configuration.http1_1ConnectionDebugInitializer = PeerAddressCheck.verify
      configuration.http2ConnectionDebugInitializer = PeerAddressCheck.verify
    }
    client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
  }

  /// Shuts the HTTP client down. The fetcher cannot be used afterwards.
  public func shutdown() async throws {
    try await client.shutdown()
  }

  /// Shuts the HTTP client down, blocking the calling thread until it is done; for teardown
  /// paths that cannot be async. Prefer ``shutdown()``.
  @available(*, noasync, message: "blocks the thread; use shutdown() from async code")
  public func syncShutdown() throws {
    try client.syncShutdown()
  }

  /// Fetches `url`, following redirects, and returns the final response's body.
  ///
  /// - Parameter accept: the content kinds wanted; defaults to the policy's
  ///   ``FetchPolicy/acceptedContent``. A response without `Content-Type` is accepted and left
  ///   for the caller to sniff.
  /// - Throws: ``FetchError`` (non-2xx statuses included), or `CancellationError`.
  ///   ``FetchError/timeout(url:)`` when the whole fetch (robots.txt, redirects, retries and
  ///   the body) outlasts ``FetchPolicy/totalTimeout``.
  public func fetch(_ url: String, accept: AcceptedContent? = nil) async throws -> FetchedResource {
    let limit = policy.totalTimeout
    let deadline = NIODeadline.now() + TimeAmount(limit)
    let purpose = Purpose.page(accept ?? policy.acceptedContent)
    // The client's own deadline covers only the response head, and its read timeout restarts
    // with every byte: a server that drips one byte a second would hold a fetch (and the crawl
    // waiting on it) forever. This wall clock covers the body too; cancelling the fetch makes
    // the client drop the connection.
    let resource = try await Deadline.run(limit, timeout: { FetchError.timeout(url: CredentialRedaction.redact(url)) }) {
      [self] in
      try await followRedirects(from: url, purpose: purpose, deadline: deadline)
    }
    guard (200..<300).contains(resource.status) else {
      throw FetchError.httpStatus(url: resource.url, code: resource.status)
    }
    return resource
  }

  // MARK: - Redirects

  /// What a request is for: a page (robots-checked, content-type-checked, size-limited) or a
  /// robots.txt (truncated at its limit, any content type).
  private enum Purpose {
    case page(AcceptedContent)
    case robots
  }

  /// Follows redirects from `text` and returns the first non-redirect response; its body is
  /// read only for 2xx statuses.
  private func followRedirects(
    from text: String, purpose: Purpose, deadline: NIODeadline
  ) async throws -> FetchedResource {
    var target = try FetchTarget(text)
    var visited: Set<String> = [target.description]
    var redirects = 0
    while true {
      if !policy.allowPrivateNetwork {
        try await SSRFGuard.check(host: target.host, url: target.description)
      }
      if case .page = purpose, policy.respectsRobotsTxt {
        let rules = try await robotsRules(for: target)
        guard rules.allows(target.pathAndQuery) else {
          throw FetchError.robotsDisallowed(url: target.description)
        }
      }
      switch try await exchangeWithRetries(target, purpose: purpose, deadline: deadline) {
      case .response(let resource, _):
        return resource
      case .redirect(let location):
        redirects += 1
        guard redirects <= policy.maxRedirects else {
          throw FetchError.tooManyRedirects(url: target.description, limit: policy.maxRedirects)
        }
        let next = try target.resolving(location)
        guard visited.insert(next.description).inserted else {
          throw FetchError.redirectLoop(url: next.description)
        }
        logger.debug("redirect", metadata: ["from": "\(target)", "to": "\(next)"])
        target = next
      }
    }
  }

  // MARK: - robots.txt

  private func robotsRules(for target: FetchTarget) async throws -> RobotsRules {
    let origin = target.origin
    return try await robots.rules(for: origin) { [self] in
      try await downloadRobots(origin: origin)
    }
  }

  /// Downloads and interprets an origin's robots.txt as RFC 9309 §2.3.1 says: a 2xx is parsed,
  /// a 4xx means no rules, a 5xx (or a 429 that outlasted the retries) means everything is
  /// disallowed. A redirect chain that cannot be followed means no rules (§2.3.1.2). When the
  /// site cannot be reached at all the error propagates: nothing is fetched from it, and the
  /// user sees the network error instead of a misleading robots refusal.
  private func downloadRobots(origin: String) async throws -> RobotsRules {
    let deadline = NIODeadline.now() + TimeAmount(policy.totalTimeout)
    let resource: FetchedResource
    do {
      resource = try await followRedirects(
        from: origin + "/robots.txt", purpose: .robots, deadline: deadline)
    } catch let error as FetchError {
      switch error {
      case .tooManyRedirects, .redirectLoop, .privateAddressBlocked, .invalidURL,
        .unsupportedScheme:
        logger.debug(
          "robots.txt unavailable", metadata: ["origin": "\(origin)", "error": "\(error)"])
        return .allowAll
      default:
        throw error
      }
    }
    switch resource.status {
    case 200..<300:
      let text = String(decoding: resource.body, as: UTF8.self)
      return RobotsRules(parsing: text, userAgent: policy.robotsToken)
    case 400..<500 where resource.status != 429:
      return .allowAll
    default:
      logger.info(
        "robots.txt failed; treating the site as disallowed",
        metadata: ["origin": "\(origin)", "status": "\(resource.status)"])
      return .disallowAll
    }
  }

  // MARK: - One hop

  private enum HopResult {
    case redirect(to: String)
    case response(FetchedResource, retryAfter: String?)
  }

  /// Sends one hop's request, retrying transient statuses and connection errors with backoff
  /// while the deadline allows.
  private func exchangeWithRetries(
    _ target: FetchTarget, purpose: Purpose, deadline: NIODeadline
  ) async throws -> HopResult {
    var attempt = 0
    while true {
      let delay: Duration
      do {
        let result = try await exchange(target, purpose: purpose, deadline: deadline)
        guard case .response(let resource, let retryAfter) = result,
          RetryBackoff.retryableStatuses.contains(resource.status),
          let wait = backoff.delay(attempt: attempt, retryAfter: retryAfter),
          fits(wait, before: deadline)
        else { return result }
        delay = wait
        logger.debug(
          "retrying",
          metadata: ["url": "\(target)", "status": "\(resource.status)", "delay": "\(wait)"])
      } catch let error as FetchError {
        guard case .network = error,
          let wait = backoff.delay(attempt: attempt, retryAfter: nil),
          fits(wait, before: deadline)
        else { throw error }
        delay = wait
        logger.debug(
          "retrying", metadata: ["url": "\(target)", "error": "\(error)", "delay": "\(wait)"])
      }
      try await Task.sleep(for: delay)
      attempt += 1
    }
  }

  private func fits(_ delay: Duration, before deadline: NIODeadline) -> Bool {
    NIODeadline.now() + TimeAmount(delay) < deadline
  }

  /// Sends one request within the host's and the global concurrency limits.
  private func exchange(
    _ target: FetchTarget, purpose: Purpose, deadline: NIODeadline
  ) async throws -> HopResult {
    try await hosts.acquire(target.host)
    do {
      try await slots.acquire()
    } catch {
      await hosts.release(target.host)
      throw error
    }
    do {
      let result = try await send(target, purpose: purpose, deadline: deadline)
      await slots.release()
      await hosts.release(target.host)
      return result
    } catch {
      await slots.release()
      await hosts.release(target.host)
      throw error
    }
  }

  private func send(
    _ target: FetchTarget, purpose: Purpose, deadline: NIODeadline
  ) async throws -> HopResult {
    var request = HTTPClientRequest(url: target.description)
    request.method = .GET
    request.headers.add(name: "User-Agent", value: policy.userAgent)
    request.headers.add(name: "Accept-Encoding", value: "gzip, deflate")
    switch purpose {
    case .page(let accepted): request.headers.add(name: "Accept", value: accepted.acceptHeader)
    case .robots: request.headers.add(name: "Accept", value: "text/plain, */*;q=0.1")
    }

    do {
      let response = try await client.execute(request, deadline: deadline, logger: logger)
      let status = Int(response.status.code)
      if [301, 302, 303, 307, 308].contains(status),
        let location = response.headers.first(name: "Location")
      {
        return .redirect(to: location)
      }
      let contentType = response.headers.first(name: "Content-Type").flatMap(
        ContentType.init(header:))
      var resource = FetchedResource(
        url: target.description, status: status, mimeType: contentType?.mimeType,
        charset: contentType?.charset, body: [])
      guard (200..<300).contains(status) else {
        return .response(resource, retryAfter: response.headers.first(name: "Retry-After"))
      }
      switch purpose {
      case .page(let accepted):
        if let mimeType = contentType?.mimeType, !accepted.accepts(mimeType: mimeType) {
          throw FetchError.unsupportedContentType(url: target.description, mimeType: mimeType)
        }
        let declared = response.headers.first(name: "Content-Length").flatMap { Int($0) }
        if let declared, declared > policy.maxBodyBytes {
          throw FetchError.bodyTooLarge(url: target.description, limit: policy.maxBodyBytes)
        }
        resource.body = try await Self.read(
          response.body, limit: policy.maxBodyBytes, truncating: false, url: target.description)
      case .robots:
        resource.body = try await Self.read(
          response.body, limit: policy.maxRobotsBytes, truncating: true, url: target.description)
      }
      return .response(resource, retryAfter: nil)
    } catch {
      throw FetchFailure.classify(error, url: target.description, bodyLimit: policy.maxBodyBytes)
    }
  }

  /// Streams a body into memory, stopping as soon as it passes `limit`: either failing or, for
  /// robots.txt, keeping the first `limit` bytes. Leaving the loop early drops the stream,
  /// which makes the client close the connection instead of downloading the rest.
  private static func read(
    _ body: HTTPClientResponse.Body, limit: Int, truncating: Bool, url: String
  ) async throws -> [UInt8] {
    var bytes: [UInt8] = []
    for try await chunk in body {
      let room = limit - bytes.count
      if chunk.readableBytes > room {
        guard truncating else { throw FetchError.bodyTooLarge(url: url, limit: limit) }
        bytes.append(contentsOf: chunk.readableBytesView.prefix(room))
        break
      }
      bytes.append(contentsOf: chunk.readableBytesView)
    }
    return bytes
  }
}
