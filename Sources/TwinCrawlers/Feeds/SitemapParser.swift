/// The links a sitemap lists.
public enum Sitemap: Sendable, Equatable {
  /// A `<urlset>`: page URLs, in document order.
  case urls([String])
  /// A `<sitemapindex>`: the URLs of further sitemaps.
  case index([String])
}

/// Reads XML sitemaps (sitemaps.org protocol): `<urlset><url><loc>` and
/// `<sitemapindex><sitemap><loc>`.
public enum SitemapParser {
  /// Parses a sitemap fetched from `url`; locations are trimmed and resolved against `url` (they
  /// should already be absolute).
  ///
  /// - Throws: ``FeedError/unparseable(url:)`` for bytes that are not XML, and
  ///   ``FeedError/notASitemap(url:root:)`` for XML with another root element.
  public static func parse(_ bytes: [UInt8], url: String) throws -> Sitemap {
    guard let tree = XMLTree(bytes: bytes, url: url) else { throw FeedError.unparseable(url: url) }
    let root = tree.root
    let resolver = URLResolver(base: url)
    func locations(in entryName: StaticString) -> [String] {
      root.children.compactMap { entry in
        guard entry.isElement, entry.hasName(entryName), let loc = entry.firstChild(named: "loc")
        else { return nil }
        return loc.trimmedXMLText.flatMap(resolver.resolve)
      }
    }
    if root.hasName("urlset") { return .urls(locations(in: "url")) }
    if root.hasName("sitemapindex") { return .index(locations(in: "sitemap")) }
    throw FeedError.notASitemap(url: url, root: root.name)
  }
}
