import Foundation
import Hummingbird
import Logging
import NIOCore

/// What the fixture server answers for `/robots.txt`.
enum FixtureRobots: Sendable {
  case rules(String)
  case status(Int)
  case missing
}

/// Requests the fixture server saw, for assertions about retries, caching and concurrency.
actor FixtureRequestLog {
  private(set) var hits: [String: Int] = [:]
  private var inFlight = 0
  private(set) var maxInFlight = 0

  func record(_ path: String) {
    hits[path, default: 0] += 1
  }

  func hitCount(_ path: String) -> Int { hits[path] ?? 0 }

  func enter() {
    inFlight += 1
    maxInFlight = max(maxInFlight, inFlight)
  }

  func leave() { inFlight -= 1 }
}

/// A Hummingbird server on 127.0.0.1 (port chosen by the system) serving the hostile cases the
/// crawler must survive: messy and Latin-1 pages, redirect chains and loops, error statuses, a
/// flaky endpoint, a slow one, oversized bodies, an image, a feed and sitemaps.
enum LoopbackFixtureServer {
  /// Runs `body` with the server's base URL (`http://127.0.0.1:PORT`), then stops the server.
  @discardableResult
  static func with<T: Sendable>(
    robots: FixtureRobots = .rules(defaultRobots),
    _ body: @Sendable (_ baseURL: String, _ log: FixtureRequestLog) async throws -> T
  ) async throws -> T {
    let log = FixtureRequestLog()
    let router = Router()
    addRoutes(to: router, robots: robots, log: log)

    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "fixture-server")
    logger.logLevel = .critical
    let app = Application(
      router: router,
      configuration: .init(address: .hostname("127.0.0.1", port: 0)),
      onServerRunning: { channel in
        portContinuation.yield(channel.localAddress?.port ?? 0)
        portContinuation.finish()
      },
      logger: logger)

    return try await withThrowingTaskGroup(of: T?.self) { group in
      group.addTask {
        try await app.run()
        return nil
      }
      var iterator = ports.makeAsyncIterator()
      guard let port = await iterator.next(), port > 0 else {
        group.cancelAll()
        throw FixtureError.noPort
      }
      do {
        let result = try await body("http://127.0.0.1:\(port)", log)
        group.cancelAll()
        return result
      } catch {
        group.cancelAll()
        throw error
      }
    }!
  }

  enum FixtureError: Error { case noPort }

  static let defaultRobots = """
    # Everyone else stays out of /private; TwinBot has its own group, which replaces this one.
    User-agent: *
    Disallow: /private

    User-agent: OtherBot
    User-agent: TwinBot
    Disallow: /secret
    Allow: /secret/open
    """

  static let messyHTML = """
    <!DOCTYPE html>
    <html lang="en"><head><title>Messy page</title>
    <body><nav><a href="/">Home</a></nav>
    <article><h1>Messy page<p>Unclosed paragraph with <b>bold <i>and italic</b> text.
    <p>Second paragraph &amp; an entity &copy; and a stray </div> tag.
    </article>
    <script>document.write("<p>not content</p>")</script>
    """

  /// "Café" and "naïve" in ISO-8859-1 bytes (é = 0xE9, ï = 0xEF).
  static func latin1Page(metaCharset: Bool) -> [UInt8] {
    let head = metaCharset ? "<meta charset=\"iso-8859-1\">" : ""
    let prefix = Array(
      "<html><head>\(head)<title>Caf".utf8)
    let middle = Array("</title></head><body><article><h1>Caf".utf8)
    let text = Array("</h1><p>A na".utf8)
    let tail = Array(
      "ve text about coffee, long enough to count as the article body here.</p></article></body></html>"
        .utf8)
    return prefix + [0xE9] + middle + [0xE9] + text + [0xEF] + tail
  }

  static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    bytes(Array(text.utf8), contentType: "text/html; charset=utf-8", status: status)
  }

  static func bytes(
    _ bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok,
    extraHeaders: HTTPFields = [:]
  ) -> Response {
    var headers = extraHeaders
    headers[.contentType] = contentType
    return Response(
      status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  private static func redirect(_ location: String, status: HTTPResponse.Status = .found)
    -> Response
  {
    Response(status: status, headers: [.location: location])
  }

  static func authority(_ request: Request) -> String {
    "http://" + (request.head.authority ?? "127.0.0.1")
  }

  private static func addRoutes(
    to router: Router<BasicRequestContext>, robots: FixtureRobots, log: FixtureRequestLog
  ) {
    router.middlewares.add(RequestLogMiddleware(log: log))

    switch robots {
    case .rules(let text):
      router.get("robots.txt") { _, _ in
        bytes(Array(text.utf8), contentType: "text/plain")
      }
    case .status(let code):
      router.get("robots.txt") { _, _ in
        Response(status: .init(code: code))
      }
    case .missing:
      break
    }

    addHostileRoutes(to: router)
    router.get("page") { _, _ in html(messyHTML) }
    router.get("secret") { _, _ in html("<p>secret</p>") }
    router.get("secret/open") { _, _ in html("<p>open</p>") }
    router.get("private") { _, _ in html("<p>private</p>") }

    router.get("latin1-header") { _, _ in
      bytes(latin1Page(metaCharset: false), contentType: "text/html; charset=ISO-8859-1")
    }
    router.get("latin1-meta") { _, _ in
      bytes(latin1Page(metaCharset: true), contentType: "text/html")
    }

    router.get("redirect/start") { _, _ in redirect("/redirect/middle", status: .found) }
    router.get("redirect/middle") { _, _ in redirect("../page", status: .movedPermanently) }
    router.get("loop/a") { _, _ in redirect("/loop/b") }
    router.get("loop/b") { _, _ in redirect("/loop/a") }
    router.get("chain/:step") { _, context in
      let step = Int(context.parameters.get("step") ?? "0") ?? 0
      return redirect("/chain/\(step + 1)", status: .temporaryRedirect)
    }

    router.get("broken") { _, _ in html("<p>oops</p>", status: .internalServerError) }
    router.get("flaky") { _, _ in
      if await log.hitCount("/flaky") == 1 {
        return bytes(
          Array("busy".utf8), contentType: "text/plain", status: .serviceUnavailable,
          extraHeaders: [.retryAfter: "0"])
      }
      return html("<p>recovered</p>")
    }
    router.get("always-busy") { _, _ in
      bytes(Array("busy".utf8), contentType: "text/plain", status: .serviceUnavailable)
    }
    router.get("busy-for-an-hour") { _, _ in
      bytes(
        Array("later".utf8), contentType: "text/plain", status: .tooManyRequests,
        extraHeaders: [.retryAfter: "3600"])
    }
    router.get("slow") { _, _ in
      try await Task.sleep(for: .seconds(60))
      return html("<p>finally</p>")
    }
    router.get("concurrent") { _, _ in
      await log.enter()
      try? await Task.sleep(for: .milliseconds(100))
      await log.leave()
      return html("<p>done</p>")
    }

    // 4 MiB in 64 KiB chunks, without a Content-Length: only streaming can catch it.
    router.get("huge") { _, _ in
      let chunk = ByteBuffer(repeating: UInt8(ascii: "a"), count: 64 * 1024)
      return Response(
        status: .ok, headers: [.contentType: "text/html"],
        body: ResponseBody { writer in
          for _ in 0..<64 { try await writer.write(chunk) }
          try await writer.finish(nil)
        })
    }
    // Declares its size up front, so the fetcher can refuse before reading.
    router.get("huge-declared") { _, _ in
      bytes([UInt8](repeating: UInt8(ascii: "b"), count: 1024 * 1024), contentType: "text/html")
    }
    router.get("image.png") { _, _ in
      bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], contentType: "image/png")
    }

    router.get("feed.xml") { request, _ in
      bytes(Array(feedXML(base: authority(request)).utf8), contentType: "application/rss+xml")
    }
    // A feed at a URL that does not look like one: only sniffing the body can tell.
    router.get("latest") { request, _ in
      bytes(Array(feedXML(base: authority(request)).utf8), contentType: "text/xml")
    }
    // Git's first request of a smart-HTTP clone, answered too late.
    router.get("hang.git/info/refs") { _, _ in
      try await Task.sleep(for: .seconds(60))
      return html("<p>too late</p>")
    }
    router.get("posts/:slug") { _, context in
      let slug = context.parameters.get("slug") ?? ""
      return html(
        "<html><head><title>Post \(slug)</title></head><body><article><h1>Post \(slug)</h1>"
          + "<p>The body of post \(slug), fetched from the site itself.</p></article></body></html>"
      )
    }
    router.get("empty") { _, _ in
      html("<html><head><title>Nothing</title></head><body></body></html>")
    }
    router.get("sitemap.xml") { request, _ in
      let base = authority(request)
      return bytes(
        Array(
          """
          <?xml version="1.0" encoding="UTF-8"?>
          <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>\(base)/sitemap-posts.xml</loc></sitemap>
            <sitemap><loc>\(base)/sitemap-gone.xml</loc></sitemap>
          </sitemapindex>
          """.utf8), contentType: "application/xml")
    }
    router.get("sitemap-posts.xml") { request, _ in
      let base = authority(request)
      return bytes(
        Array(
          """
          <?xml version="1.0" encoding="UTF-8"?>
          <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>\(base)/posts/one</loc></url>
            <url><loc>\(base)/posts/two</loc></url>
            <url><loc>\(base)/posts/one</loc></url>
          </urlset>
          """.utf8), contentType: "application/xml")
    }
  }

  /// An RSS feed: one entry with its full content, one with a summary only, and a duplicate.
  static func feedXML(base: String) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
      <channel>
        <title>Fixture feed</title>
        <link>\(base)/</link>
        <item>
          <title>Inline post</title>
          <link>\(base)/posts/inline</link>
          <content:encoded><![CDATA[<h1>Inline post</h1><p>Full text carried by the feed itself.</p>]]></content:encoded>
        </item>
        <item>
          <title>Linked post</title>
          <link>\(base)/posts/linked</link>
          <description>Only a summary.</description>
        </item>
        <item>
          <title>Inline post again</title>
          <link>\(base)/posts/inline</link>
        </item>
      </channel>
    </rss>
    """
  }
}

/// Records every request's path before it is handled.
struct RequestLogMiddleware: RouterMiddleware {
  typealias Context = BasicRequestContext
  let log: FixtureRequestLog

  func handle(
    _ request: Request, context: Context,
    next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    await log.record(request.uri.path)
    return try await next(request, context)
  }
}
