import Foundation
import Hummingbird
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

  /// Decodes a request body of at most `limit` bytes; an error names what is wrong with it.
  static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = 4 << 20) async throws -> T {
    let buffer: ByteBuffer
    do { buffer = try await request.body.collect(upTo: limit) } catch {
      throw HTTPError(.contentTooLarge, message: "the request body is over \(limit) bytes")
    }
    do { return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView)) } catch let error as DecodingError {
      throw HTTPError(.badRequest, message: "invalid JSON body: \(describe(error))")
    } catch {
      throw HTTPError(.badRequest, message: "invalid JSON body: \(error)")
    }
  }

  static func describe(_ error: DecodingError) -> String {
    func path(_ c: DecodingError.Context) -> String {
      c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    switch error {
    case .keyNotFound(let key, let c): return "missing field \(path(c)).\(key.stringValue)"
    case .typeMismatch(_, let c), .valueNotFound(_, let c): return "wrong type at \(path(c)): \(c.debugDescription)"
    case .dataCorrupted(let c): return "\(path(c)) \(c.debugDescription)"
    @unknown default: return "\(error)"
    }
  }
}
