/// The kinds of document a fetch will take; anything else fails with
/// ``FetchError/unsupportedContentType(url:mimeType:)`` before its body is read.
public struct AcceptedContent: OptionSet, Sendable, Hashable {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  /// HTML and XHTML pages.
  public static let html = AcceptedContent(rawValue: 1 << 0)
  /// RSS, Atom, RDF and plain XML (feeds and sitemaps).
  public static let xml = AcceptedContent(rawValue: 1 << 1)
  /// Plain text and Markdown.
  public static let text = AcceptedContent(rawValue: 1 << 2)
  /// Everything a crawler reads: pages, feeds, sitemaps and text.
  public static let documents: AcceptedContent = [.html, .xml, .text]

  /// The media types each kind covers, most preferred first.
  private static let mimeTypesByKind: [(AcceptedContent, [String])] = [
    (.html, ["text/html", "application/xhtml+xml"]),
    (
      .xml,
      [
        "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
        "text/xml",
      ]
    ),
    (.text, ["text/plain", "text/markdown"]),
  ]

  /// The media types accepted, most preferred first.
  public var mimeTypes: [String] {
    Self.mimeTypesByKind.filter { contains($0.0) }.flatMap(\.1)
  }

  /// Whether a response with this (lower-cased, parameter-free) media type is accepted.
  public func accepts(mimeType: String) -> Bool { mimeTypes.contains(mimeType) }

  /// The `Accept` header announcing these types, with a low-priority catch-all so servers that
  /// negotiate strictly still answer (their answer is then checked against ``mimeTypes``).
  var acceptHeader: String { (mimeTypes + ["*/*;q=0.1"]).joined(separator: ", ") }
}
