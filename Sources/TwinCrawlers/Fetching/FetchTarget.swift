import Foundation
import TwinCore

/// An absolute http(s) URL, checked and split into the parts the fetcher decides on.
///
/// User-supplied links are often not quite URLs (a space, an accented letter in the path), and
/// Foundation either rejects them or re-encodes their existing escapes; the text is escaped here
/// first, byte by byte, leaving valid `%XX` escapes alone. The fragment is dropped (it is never
/// sent) and so is any `user:password@` (the crawler fetches public pages only).
struct FetchTarget: Sendable, Hashable, CustomStringConvertible {
  let url: URL
  /// `http` or `https`.
  let scheme: String
  /// Lower-cased, without the brackets of an IPv6 literal.
  let host: String
  /// The explicit port, or the scheme's default.
  let port: Int

  /// Parses `text`, throwing ``FetchError/invalidURL(_:)`` or
  /// ``FetchError/unsupportedScheme(url:scheme:)``.
  init(_ text: String) throws(FetchError) {
    let escaped = Self.escape(text.trimmingCharacters(in: .whitespacesAndNewlines))
    guard var components = URLComponents(string: escaped), let rawScheme = components.scheme
    else { throw .invalidURL(CredentialRedaction.redact(text)) }
    let scheme = rawScheme.lowercased()
    guard scheme == "http" || scheme == "https" else {
      throw .unsupportedScheme(url: CredentialRedaction.redact(text), scheme: rawScheme)
    }
    guard let host = components.host, !host.isEmpty else {
      throw .invalidURL(CredentialRedaction.redact(text))
    }
    components.scheme = scheme
    components.user = nil
    components.password = nil
    components.fragment = nil
    if components.percentEncodedPath.isEmpty { components.percentEncodedPath = "/" }
    guard let url = components.url else { throw .invalidURL(CredentialRedaction.redact(text)) }
    self.url = url
    self.scheme = scheme
    self.host = Self.unbracketed(host).lowercased()
    self.port = components.port ?? (scheme == "https" ? 443 : 80)
  }

  /// The URL as sent.
  var description: String { url.absoluteString }

  /// `scheme://host[:port]`, the key robots.txt rules and politeness delays apply to.
  var origin: String {
    let hostPart = host.contains(":") ? "[\(host)]" : host
    let isDefaultPort = (scheme == "http" && port == 80) || (scheme == "https" && port == 443)
    return isDefaultPort ? "\(scheme)://\(hostPart)" : "\(scheme)://\(hostPart):\(port)"
  }

  /// The percent-encoded path and query, as robots.txt rules are matched against.
  var pathAndQuery: String {
    let path = url.path(percentEncoded: true)
    let query = url.query(percentEncoded: true).map { "?" + $0 } ?? ""
    return (path.isEmpty ? "/" : path) + query
  }

  /// Resolves a redirect's `Location` (absolute or relative) against this URL.
  func resolving(_ location: String) throws(FetchError) -> FetchTarget {
    let escaped = Self.escape(location.trimmingCharacters(in: .whitespacesAndNewlines))
    guard let resolved = URL(string: escaped, relativeTo: url)?.absoluteURL else {
      throw .invalidURL(CredentialRedaction.redact(location))
    }
    return try FetchTarget(resolved.absoluteString)
  }

  /// Percent-encodes bytes that may not appear in a URL, keeping valid `%XX` escapes and every
  /// reserved delimiter, so the URL's structure is untouched.
  static func escape(_ text: String) -> String {
    let bytes = Array(text.utf8)
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count)
    for (index, byte) in bytes.enumerated() {
      if byte == UInt8(ascii: "%") {
        let isEscape =
          index + 2 < bytes.count && bytes[index + 1].isHexDigit && bytes[index + 2].isHexDigit
        if isEscape { output.append(byte) } else { output.append(contentsOf: Array("%25".utf8)) }
      } else if byte.isAllowedInURL {
        output.append(byte)
      } else {
        output.append(contentsOf: Array(String(format: "%%%02X", byte).utf8))
      }
    }
    return String(decoding: output, as: UTF8.self)
  }

  private static func unbracketed(_ host: String) -> String {
    host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
  }
}

extension UInt8 {
  fileprivate var isHexDigit: Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
      || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
      || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
  }

  /// Unreserved and reserved characters of RFC 3986, which may appear in a URL as they are.
  fileprivate var isAllowedInURL: Bool {
    switch self {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      true
    default:
      Array("-._~:/?#[]@!$&'()*+,;=".utf8).contains(self)
    }
  }
}
