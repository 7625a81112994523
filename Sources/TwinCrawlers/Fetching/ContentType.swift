import Foundation

/// A parsed `Content-Type` header: the media type and its `charset` parameter.
struct ContentType: Sendable, Equatable {
  /// Lower-cased `type/subtype`, without parameters.
  var mimeType: String
  /// The `charset` parameter, lower-cased and unquoted, when present.
  var charset: String?

  /// Parses a header value such as `text/html; charset="ISO-8859-1"`; nil when it has no
  /// `type/subtype`.
  init?(header: String) {
    let parts = header.split(separator: ";", omittingEmptySubsequences: false)
    let media = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
    guard media.contains("/") else { return nil }
    mimeType = media
    charset = nil
    for parameter in parts.dropFirst() {
      guard let equals = parameter.firstIndex(of: "=") else { continue }
      let name = parameter[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
      guard name == "charset" else { continue }
      var value = parameter[parameter.index(after: equals)...]
        .trimmingCharacters(in: .whitespaces)
      if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
        value = String(value.dropFirst().dropLast())
      }
      charset = value.isEmpty ? nil : value.lowercased()
    }
  }
}
