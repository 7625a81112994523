import Foundation
import Hummingbird
import ServiceLifecycle  // Hummingbird's own service runner (it conforms Application to `Service`)
import Synchronization
import Logging

/// A running loopback server for the bundled sample site; `baseURL` is like
/// `"http://127.0.0.1:54321"`. `stop()` shuts it down.
///
/// Files are served from ``SampleSite/directory``. `.xml` files (feeds, sitemap) are
/// templates: every `{{BASE_URL}}` in them is replaced by ``baseURL``, because the
/// port is only known once the server is bound.
public final class SampleSiteServer: Sendable {
  public let baseURL: String
  private let group: ServiceGroup
  private let task: Task<Void, any Error>

  private init(baseURL: String, group: ServiceGroup, task: Task<Void, any Error>) {
    self.baseURL = baseURL
    self.group = group
    self.task = task
  }

  /// Starts serving on `host:port` (port 0 picks a free port) and returns once it is listening.
  public static func start(host: String = "127.0.0.1", port: Int = 0) async throws -> SampleSiteServer {
    let files = SiteFiles(root: SampleSite.directory)
    let bound = AsyncStream<Int>.makeStream()
    var app = Application(
      responder: CallbackResponder<BasicRequestContext> { request, _ in files.respond(to: request) },
      configuration: .init(address: .hostname(host, port: port), serverName: "TwinSampleSite"),
      onServerRunning: { channel in
        bound.continuation.yield(channel.localAddress?.port ?? port)
        bound.continuation.finish()
      })
    app.logger.logLevel = .warning  // keep "server started" chatter out of the CLI's output
    // No signal handling here: the CLI owns SIGINT/SIGTERM. `stop()` shuts the group down.
    var config = ServiceGroupConfiguration(services: [app], logger: app.logger)
    config.maximumGracefulShutdownDuration = .seconds(5)  // then escalate to cancellation
    let group = ServiceGroup(configuration: config)
    let task = Task {
      defer { bound.continuation.finish() }
      try await group.run()
    }
    var iterator = bound.stream.makeAsyncIterator()
    guard let actualPort = await iterator.next() else {
      // The server ended before it was listening: surface its error.
      try await task.value
      throw SampleSiteError.notStarted
    }
    let hostPart = host.contains(":") ? "[\(host)]" : host  // IPv6 literal
    let baseURL = "http://\(hostPart):\(actualPort)"
    files.setBaseURL(baseURL)
    return SampleSiteServer(baseURL: baseURL, group: group, task: task)
  }

  /// Stops the server gracefully (in-flight requests finish) and waits until its socket is closed.
  public func stop() async {
    await group.triggerGracefulShutdown()
    _ = await task.result
  }
}

enum SampleSiteError: Error, CustomStringConvertible {
  case notStarted
  var description: String { "the sample site server stopped before it was listening" }
}

/// Maps request paths to files under the site root and renders them.
final class SiteFiles: Sendable {
  let root: URL
  private let base = Mutex<String>("")

  init(root: URL) { self.root = root.standardizedFileURL }

  func setBaseURL(_ url: String) { base.withLock { $0 = url } }

  func respond(to request: Request) -> Response {
    guard request.method == .get || request.method == .head else {
      return Self.plain(.methodNotAllowed, "method not allowed\n", extra: [.allow: "GET, HEAD"])
    }
    guard let relative = Self.relativePath(forURLPath: request.uri.path) else {
      return Self.plain(.badRequest, "bad request\n")
    }
    // A directory serves its index.html, with or without the trailing slash: the site's pages
    // link with root-relative paths, so no redirect is needed to make relative links resolve.
    guard let (file, _) = locate(relative), var data = try? Data(contentsOf: file) else {
      return Self.plain(.notFound, "not found\n")
    }
    let name = file.lastPathComponent
    let ext = (name as NSString).pathExtension.lowercased()
    if ext == "xml", let text = String(data: data, encoding: .utf8) {
      let url = base.withLock { $0 }
      data = Data(text.replacingOccurrences(of: "{{BASE_URL}}", with: url).utf8)
    }
    var headers: HTTPFields = [.contentType: Self.contentType(ext: ext, data: data)]
    headers[.contentLength] = String(data.count)
    if request.method == .head { return Response(status: .ok, headers: headers) }
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
  }

  /// The file for a relative path, and whether the path named a directory (served as its `index.html`).
  func locate(_ relative: String) -> (file: URL, isDirectory: Bool)? {
    var url = relative.isEmpty ? root : root.appendingPathComponent(relative)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
    if isDirectory.boolValue {
      url = url.appendingPathComponent("index.html")
      guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    }
    // Belt and braces: the resolved file must still be inside the root.
    let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
    guard url.standardizedFileURL.path.hasPrefix(rootPath) else { return nil }
    return (url, isDirectory.boolValue)
  }

  /// `"/authors/x/"` → `"authors/x"`. Nil (refused) when, once percent-decoded, any segment
  /// is `..` or `.`, or the path holds a backslash or NUL.
  static func relativePath(forURLPath path: String) -> String? {
    guard let decoded = path.removingPercentEncoding else { return nil }
    if decoded.contains("\\") || decoded.contains("\0") { return nil }
    let segments = decoded.split(separator: "/", omittingEmptySubsequences: true)
    if segments.contains(where: { $0 == ".." || $0 == "." }) { return nil }
    return segments.joined(separator: "/")
  }

  static func contentType(ext: String, data: Data) -> String {
    switch ext {
    case "html", "htm": return "text/html; charset=utf-8"
    case "xml":
      // Feeds get their own media types; any other XML (the sitemap) is application/xml.
      let head = String(decoding: data.prefix(512), as: UTF8.self)
      if head.contains("<rss") { return "application/rss+xml; charset=utf-8" }
      if head.contains("<feed") { return "application/atom+xml; charset=utf-8" }
      return "application/xml; charset=utf-8"
    case "txt": return "text/plain; charset=utf-8"
    case "json": return "application/json"
    case "css": return "text/css; charset=utf-8"
    case "js": return "text/javascript; charset=utf-8"
    case "svg": return "image/svg+xml"
    case "png": return "image/png"
    case "jpg", "jpeg": return "image/jpeg"
    default: return "application/octet-stream"
    }
  }

  static func plain(_ status: HTTPResponse.Status, _ text: String, extra: HTTPFields = [:]) -> Response {
    var headers = extra
    headers[.contentType] = "text/plain; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
  }
}
