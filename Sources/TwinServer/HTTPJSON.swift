import Foundation
import Hummingbird
import TwinCore
import TwinOpenAI

/// JSON bodies in and out, and OpenAI-style error replies.
enum HTTPJSON {
  static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    e.dateEncodingStrategy = .iso8601
    return e
  }()

  static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let data = try encoder.encode(value)
    return Response(
      status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
  }

  static func error(
    _ status: HTTPResponse.Status, _ message: String, type: String = "invalid_request_error",
    headers extra: HTTPFields = [:]
  ) -> Response {
    let body = OpenAIWire.ErrorBody(error: .init(message: message, type: type))
    var headers: HTTPFields = [.contentType: "application/json"]
    headers.append(contentsOf: extra)
    let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
  }

  /// The reply to a failure of `category`: its status and its name as the error's `type`.
  static func error(_ category: ErrorCategory, _ message: String) -> Response {
    error(HTTPResponse.Status(code: category.httpStatus), message, type: category.rawValue)
  }

  /// How long a client told "busy" should wait, in seconds: the one value both servers send.
  static let retryAfterSeconds = 1

  /// 429 with `Retry-After`: a full admission queue or job queue.
  static func busy(_ message: String) -> Response {
    error(.tooManyRequests, message, type: "rate_limit_error", headers: [.retryAfter: "\(retryAfterSeconds)"])
  }

  /// Decodes a request body of at most `limit` bytes; an error names what is wrong with it.
  static func decode<T: Decodable>(
    _ type: T.Type, from request: Request, limit: Int = 4 << 20, fields: RequestFields? = nil
  ) async throws -> T {
    let buffer: ByteBuffer
    do { buffer = try await request.body.collect(upTo: limit) } catch {
      throw HTTPError(.contentTooLarge, message: "the request body is over \(limit) bytes")
    }
    let data = Data(buffer.readableBytesView)
    if let fields, let problem = fields.problem(in: data) { throw HTTPError(.badRequest, message: problem) }
    do { return try JSONDecoder().decode(T.self, from: data) } catch let error as DecodingError {
      // Well-formed JSON with a field of the wrong type or size is not "invalid JSON": say
      // which field is wrong.
      guard let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
        throw HTTPError(.badRequest, message: "invalid JSON body: \(describe(error))")
      }
      // Foundation reports a number too large for its integer field as "not valid JSON",
      // without the field: find it.
      if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
        let (field, number) = oversizedNumber(in: parsed)
      {
        throw HTTPError(
          .badRequest, message: "invalid request: field \(field) must be a number that fits in 64 bits (got \(number))")
      }
      throw HTTPError(.badRequest, message: "invalid request: \(describe(error))")
    } catch {
      throw HTTPError(.badRequest, message: "invalid JSON body: \(error)")
    }
  }

  /// The first number in `value` (depth first, keys in order) beyond the 64-bit integer range,
  /// with its path (`max_tokens`, `messages[0].n`).
  static func oversizedNumber(in value: Any, path: String = "") -> (String, String)? {
    switch value {
    case let object as [String: Any]:
      for key in object.keys.sorted() {
        if let found = oversizedNumber(in: object[key]!, path: path.isEmpty ? key : "\(path).\(key)") { return found }
      }
    case let array as [Any]:
      for (index, element) in array.enumerated() {
        if let found = oversizedNumber(in: element, path: "\(path)[\(index)]") { return found }
      }
    case let number as NSNumber:
      let double = number.doubleValue
      if !path.isEmpty, abs(double) >= 9.2e18 { return (path, "\(number)") }
    default:
      break
    }
    return nil
  }

  static func describe(_ error: DecodingError) -> String {
    func path(_ c: DecodingError.Context) -> String {
      c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    /// The field as a client wrote it: `max_tokens`, `messages[0].role`.
    func field(_ c: DecodingError.Context) -> String {
      let text = path(c)
      return text.hasPrefix(".") ? String(text.dropFirst()) : text
    }
    func expected(_ type: Any.Type) -> String {
      switch type {
      case is Int.Type, is UInt64.Type: "an integer that fits in 64 bits"
      case is Double.Type: "a number"
      case is String.Type: "a string"
      case is Bool.Type: "true or false"
      default: "\(type)"
      }
    }
    switch error {
    case .keyNotFound(let key, let c): return "missing field \(path(c)).\(key.stringValue)"
    case .typeMismatch(let type, let c), .valueNotFound(let type, let c):
      return "field \(field(c)) must be \(expected(type)): \(c.debugDescription)"
    case .dataCorrupted(let c):
      return c.codingPath.isEmpty ? c.debugDescription : "field \(field(c)): \(c.debugDescription)"
    @unknown default: return "\(error)"
    }
  }
}
