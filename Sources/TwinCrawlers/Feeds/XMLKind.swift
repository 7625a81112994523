/// What a fetched document is, judged from its first element.
public enum XMLKind: Sendable, Equatable {
  case rss, atom, sitemap, sitemapIndex, html, unknown

  /// How far into a document to look for its root element; prologs are short, but some sites put
  /// long comments or whitespace first.
  private static let scanLimit = 64 * 1024

  /// Classifies a document cheaply, without parsing it: the root element's name decides (`rss`
  /// or `rdf:RDF` → RSS, `feed` → Atom, `urlset`, `sitemapindex`, `html`), after skipping the
  /// XML declaration, comments, processing instructions and the doctype. An HTML doctype or a
  /// root that is an HTML element means HTML. When the root says nothing, the MIME type from the
  /// response decides (`…rss…`, `…atom…`, `…html…`), else `.unknown`.
  public static func sniff(_ bytes: [UInt8], mimeType: String?) -> XMLKind {
    var scanner = RootScanner(bytes.prefix(scanLimit))
    let prolog = scanner.scan()
    if let root = prolog.root {
      let local = root.split(separator: ":").last.map { $0.lowercased() } ?? ""
      switch local {
      case "rss", "rdf": return .rss
      case "feed": return .atom
      case "urlset": return .sitemap
      case "sitemapindex": return .sitemapIndex
      case "html": return .html
      default:
        if prolog.htmlDoctype || htmlRoots.contains(local) { return .html }
      }
    } else if prolog.htmlDoctype {
      return .html
    }
    guard let mime = mimeType?.lowercased() else { return .unknown }
    if mime.contains("rss") { return .rss }
    if mime.contains("atom") { return .atom }
    if mime.contains("html") { return .html }
    return .unknown
  }

  /// Elements that open real-world HTML documents which omit `<html>`.
  private static let htmlRoots: Set<String> = [
    "head", "body", "meta", "title", "link", "script", "style", "div", "p", "base",
  ]
}

/// Finds the first element name of a document by skipping its prolog.
private struct RootScanner {
  private let bytes: ArraySlice<UInt8>
  private var index: Int
  private(set) var htmlDoctype = false

  init(_ bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    index = bytes.startIndex
    // A UTF-8 byte-order mark.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index += 3 }
  }

  /// The root element's name (with any prefix, as written), and whether an HTML doctype came
  /// first.
  mutating func scan() -> (root: String?, htmlDoctype: Bool) {
    while true {
      while index < bytes.endIndex, TextNormalization.isSpace(bytes[index]) { index += 1 }
      guard index + 1 < bytes.endIndex, bytes[index] == 0x3C else { return (nil, htmlDoctype) }
      let next = bytes[index + 1]
      if next == 0x3F {  // <? … ?>
        guard skip(past: [0x3F, 0x3E]) else { return (nil, htmlDoctype) }
      } else if hasPrefix("<!--") {
        guard skip(past: [0x2D, 0x2D, 0x3E]) else { return (nil, htmlDoctype) }
      } else if next == 0x21 {  // <!DOCTYPE …> possibly with an internal subset
        if hasPrefix("<!doctype html", caseInsensitive: true) { htmlDoctype = true }
        guard skipDoctype() else { return (nil, htmlDoctype) }
      } else {
        return (readName(), htmlDoctype)
      }
    }
  }

  private func hasPrefix(_ literal: String, caseInsensitive: Bool = false) -> Bool {
    let expected = Array(literal.utf8)
    guard index + expected.count <= bytes.endIndex else { return false }
    for (offset, byte) in expected.enumerated() {
      var actual = bytes[index + offset]
      if caseInsensitive, actual >= 0x41, actual <= 0x5A { actual |= 0x20 }
      if actual != byte { return false }
    }
    return true
  }

  private mutating func skip(past terminator: [UInt8]) -> Bool {
    while index + terminator.count <= bytes.endIndex {
      if bytes[index..<index + terminator.count].elementsEqual(terminator) {
        index += terminator.count
        return true
      }
      index += 1
    }
    return false
  }

  private mutating func skipDoctype() -> Bool {
    var inSubset = false
    while index < bytes.endIndex {
      switch bytes[index] {
      case 0x5B: inSubset = true
      case 0x5D: inSubset = false
      case 0x3E where !inSubset:
        index += 1
        return true
      default: break
      }
      index += 1
    }
    return false
  }

  private mutating func readName() -> String? {
    let start = index + 1
    var end = start
    while end < bytes.endIndex {
      let byte = bytes[end]
      if TextNormalization.isSpace(byte) || byte == 0x3E || byte == 0x2F { break }
      end += 1
    }
    guard end > start else { return nil }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }
}
