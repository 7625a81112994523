/// Why a feed or sitemap could not be read. Each message names the URL it came from.
public enum FeedError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The bytes are not XML libxml2 can recover a document from (empty, binary, truncated).
  case unparseable(url: String)
  /// The document is XML (or HTML) but not RSS 2.0, RSS 1.0 or Atom; `root` is its root element.
  case notAFeed(url: String, root: String?)
  /// The document is not a sitemap (`<urlset>`) or sitemap index (`<sitemapindex>`).
  case notASitemap(url: String, root: String?)

  public var description: String {
    switch self {
    case .unparseable(let url):
      "could not parse \(url) as XML: the response is empty or not well-formed enough to recover"
    case .notAFeed(let url, let root):
      "\(url) is not an RSS or Atom feed (its root element is \(Self.describe(root)))"
    case .notASitemap(let url, let root):
      "\(url) is not a sitemap: expected <urlset> or <sitemapindex>, found \(Self.describe(root))"
    }
  }

  private static func describe(_ root: String?) -> String {
    root.map { "<\($0)>" } ?? "none"
  }
}
