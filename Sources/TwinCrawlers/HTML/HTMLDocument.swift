import CLibXML2
import Foundation

/// A parsed HTML document (libxml2's forgiving HTML parser).
///
/// It owns the libxml2 tree and frees it when released. It is deliberately not `Sendable`: the
/// tree is plain mutable C memory, so a document belongs to one task at a time (parse and extract
/// in the same task; parsing is cheap next to fetching).
public final class HTMLDocument {
  /// The libxml2 document; valid for the life of this object.
  let pointer: htmlDocPtr
  /// The URL the page was fetched from, if known; relative links resolve against it.
  public let url: String?

  /// Parses HTML bytes.
  ///
  /// - Parameters:
  ///   - bytes: the page as received.
  ///   - url: where it came from, for resolving links and for error messages.
  ///   - encoding: a charset name from the HTTP `Content-Type` header (e.g. `"ISO-8859-1"`), or
  ///     nil to let libxml2 read it from `<meta charset>` or a byte-order mark (UTF-8 when nothing
  ///     says otherwise). A known header charset wins over `<meta>`, as browsers do; an unknown
  ///     one is ignored. A UTF-8 byte-order mark wins over both. Like browsers, Latin-1 and ASCII
  ///     labels decode as Windows-1252, its superset: servers that say ISO-8859-1 often send
  ///     Windows-1252 curly quotes and dashes.
  ///   A page declared UTF-8 (by the header or `<meta>`) whose bytes are not UTF-8 is decoded as
  ///   Windows-1252: servers mislabel Latin-1 pages, and decoding them as UTF-8 would replace
  ///   every accented letter with U+FFFD.
  /// - Throws: ``HTMLError/unparseable(url:)`` when the bytes yield no document,
  ///   ``HTMLError/binaryContent(url:)`` when they are not text at all.
  public init(bytes: [UInt8], url: String?, encoding: String?) throws {
    LibXMLSetup.prepareForParsing()
    var body = bytes[...]
    var charset = encoding.flatMap(Self.supportedEncoding)
    if body.starts(with: [0xEF, 0xBB, 0xBF]) {
      body = body.dropFirst(3)
      charset = "UTF-8"
    }
    guard !body.isEmpty, body.count <= Int(Int32.max) else { throw HTMLError.unparseable(url: url) }
    guard !Self.looksBinary(body) else { throw HTMLError.binaryContent(url: url) }
    if Self.declaresUTF8(header: charset, body), String(validating: body, as: UTF8.self) == nil {
      charset = "windows-1252"
    }

    var options = Int32(
      HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
        | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
    // With a charset from the header, `<meta charset>` must not switch the decoder mid-stream.
    if charset != nil { options |= Int32(HTML_PARSE_IGNORE_ENC.rawValue) }

    let parsed = body.withUnsafeBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { start in
        htmlReadMemory(start, Int32(buffer.count), url, charset, options)
      }
    }
    guard let parsed else { throw HTMLError.unparseable(url: url) }
    guard xmlDocGetRootElement(parsed) != nil else {
      xmlFreeDoc(parsed)
      throw HTMLError.unparseable(url: url)
    }
    pointer = parsed
    self.url = url
  }

  /// Parses HTML held in a Swift string; any `<meta charset>` in it is ignored since the text is
  /// already decoded.
  public convenience init(html: String, url: String?) throws {
    try self.init(bytes: Array(html.utf8), url: url, encoding: "UTF-8")
  }

  deinit { xmlFreeDoc(pointer) }

  /// The `<html>` element (libxml2 adds one when the markup has none).
  var rootElement: XMLNodePointer? { xmlDocGetRootElement(pointer) }

  /// The `<body>` element, if the tree has one.
  var body: XMLNodePointer? {
    guard let root = rootElement else { return nil }
    return root.children.first { $0.isElement && $0.hasName("body") }
  }

  /// Whether `body` is binary data rather than text in any charset a page could use: NUL bytes
  /// (no HTML encoding but UTF-16, which this crawler does not take, has them) or control
  /// characters making up a noticeable share of the first 4 KiB.
  static func looksBinary(_ body: ArraySlice<UInt8>) -> Bool {
    let head = body.prefix(4096)
    var controls = 0
    for byte in head {
      if byte == 0 { return true }
      // Tab, line feed, form feed, carriage return and escape occur in text; other C0 controls
      // do not.
      if byte < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D, 0x1B].contains(byte) { controls += 1 }
    }
    return controls * 20 > head.count
  }

  /// Whether the page says it is UTF-8: the header's charset, or without one a `<meta>` in the
  /// first kilobytes.
  private static func declaresUTF8(header: String?, _ body: ArraySlice<UInt8>) -> Bool {
    if let header { return header.lowercased().replacingOccurrences(of: "-", with: "") == "utf8" }
    let head = String(decoding: body.prefix(2048), as: UTF8.self).lowercased()
    return head.range(of: #"charset\s*=\s*["']?\s*utf-?8"#, options: .regularExpression) != nil
  }

  /// `encoding` trimmed (Latin-1 labels mapped to Windows-1252), or nil when libxml2 has no
  /// converter for it, so detection takes over.
  private static func supportedEncoding(_ encoding: String) -> String? {
    var name = encoding.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
    if windows1252Labels.contains(name.lowercased()) { name = "windows-1252" }
    guard !name.isEmpty, let handler = xmlFindCharEncodingHandler(name) else { return nil }
    xmlCharEncCloseFunc(handler)
    return name
  }

  /// The WHATWG Encoding Standard's labels for Windows-1252.
  private static let windows1252Labels: Set<String> = [
    "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
    "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1",
    "us-ascii", "windows-1252", "x-cp1252",
  ]
}
