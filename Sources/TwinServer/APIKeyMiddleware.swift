import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <key>` on every route but `/health`. Keys are compared in
/// constant time and never logged.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
  let keys: [String]

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    if request.uri.path == "/health" { return try await next(request, context) }
    let header = request.headers[.authorization] ?? ""
    let given = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
    // An empty key never authenticates, whatever the key list holds.
    guard !given.isEmpty, keys.contains(where: { Self.equal(Array($0.utf8), Array(given.utf8)) }) else {
      return HTTPJSON.error(
        .unauthorized, "a valid API key is required (Authorization: Bearer <key>)", type: "authentication_error")
    }
    return try await next(request, context)
  }

  static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
  }
}
