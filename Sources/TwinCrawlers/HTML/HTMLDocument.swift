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
  /// - Throws: ``HTMLError/unparseable(url:)`` when the bytes yield no document.
  public init(bytes: [UInt8], url: String?, encoding: String?) throws {
    LibXMLSetup.prepareForParsing()
    var body = bytes[...]
    var charset = encoding.flatMap(Self.supportedEncoding)
    if body.starts(with: [0xEF, 0xBB, 0xBF]) {
      body = body.dropFirst(3)
      charset = "UTF-8"
    }
    guard !body.isEmpty, body.count <= Int(Int32.max) else { throw HTMLError.unparseable(url: url) }

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
