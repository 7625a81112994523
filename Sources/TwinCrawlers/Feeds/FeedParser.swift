/// Reads RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds.
public enum FeedParser {
  /// Parses a feed fetched from `url`.
  ///
  /// Entry links are resolved against the feed URL (and Atom `xml:base`); entries without any
  /// usable link are left out, since there is nothing to crawl for them. See ``FeedEntry`` for
  /// where each field comes from.
  ///
  /// - Throws: ``FeedError/unparseable(url:)`` for bytes that are not XML, and
  ///   ``FeedError/notAFeed(url:root:)`` for XML (or HTML) that is no feed.
  public static func parse(_ bytes: [UInt8], url: String) throws -> Feed {
    guard let tree = XMLTree(bytes: bytes, url: url) else { throw FeedError.unparseable(url: url) }
    let root = tree.root
    if root.hasName("rss") || root.hasName("RDF") {
      return RSSFeedReader(tree: tree, feedURL: url).read()
    }
    if root.hasName("feed") {
      return AtomFeedReader(tree: tree).read()
    }
    throw FeedError.notAFeed(url: url, root: root.name)
  }
}
