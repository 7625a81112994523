import Hummingbird

/// Answers the requests no route takes, so clients learn why: `405 Method Not Allowed` with
/// `Allow` for a known path asked with another method, and a JSON `404` naming the path
/// otherwise (the router's own 404 has an empty body).
struct UnmatchedRouteMiddleware<Context: RequestContext>: RouterMiddleware {
  /// A path's segments (`{id}` and `:id` match any one segment) and its methods.
  private let routes: [(segments: [Substring], methods: [String])]

  /// `routes` maps paths (`/rag/jobs/{id}`) to their methods, upper case.
  init(routes: [String: [String]]) {
    self.routes = routes.map { (path, methods) in (path.split(separator: "/"), methods.sorted()) }
  }

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    do {
      return try await next(request, context)
    } catch let error as HTTPError where error.status == .notFound {
      let segments = request.uri.path.split(separator: "/")
      let method = request.method.rawValue
      guard let route = routes.first(where: { Self.matches($0.segments, segments) }) else {
        return HTTPJSON.error(.notFound, "no route for \(method) \(request.uri.path)", type: "not_found_error")
      }
      guard route.methods.contains(method) else {
        return HTTPJSON.error(
          .methodNotAllowed, "\(request.uri.path) takes \(route.methods.joined(separator: ", ")), not \(method)",
          headers: [.allow: route.methods.joined(separator: ", ")])
      }
      throw error
    }
  }

  private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
    guard pattern.count == path.count else { return false }
    return zip(pattern, path).allSatisfy { p, s in p == s || p.hasPrefix("{") || p.hasPrefix(":") }
  }
}
