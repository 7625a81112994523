import Foundation
import Hummingbird

/// What both servers share: server-sent-event framing.
enum Operations {
  /// One server-sent event: an optional `event:` name, then `data:` with `value` as JSON.
  static func event(_ value: some Encodable, name: String? = nil) -> ByteBuffer {
    let data = (try? HTTPJSON.encoder.encode(value)) ?? Data("{}".utf8)
    let prefix = name.map { "event: \($0)\n" } ?? ""
    return ByteBuffer(string: prefix + "data: " + String(decoding: data, as: UTF8.self) + "\n\n")
  }
}
