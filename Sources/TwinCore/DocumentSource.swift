import Foundation

/// A link found while crawling, possibly with its content already in hand.
///
/// A feed entry usually carries the article's full HTML (Medium's and Substack's feeds do), and
/// fetching the page again would hit the same bot walls the feed lets us avoid; such entries come
/// with `inlineHTML`.
public struct DiscoveredLink: Sendable, Hashable {
  public var link: String
  /// The link the user gave that led here (a feed, a sitemap, or the link itself).
  public var origin: String
  public var inlineHTML: String?
  public var title: String?

  public init(link: String, origin: String, inlineHTML: String? = nil, title: String? = nil) {
    self.link = link
    self.origin = origin
    self.inlineHTML = inlineHTML
    self.title = title
  }
}

/// The crawling port: turns a user's links into raw documents.
///
/// Crawling is two phases so the pipeline can skip links already in the warehouse before doing
/// the expensive work: `discover` expands a link (a feed or sitemap into its entries; anything
/// else into itself) and `extract` turns one discovered link into documents.
public protocol DocumentSource: Sendable {
  /// Expands a link into the links to extract. Throws when the link itself cannot be read.
  func discover(_ link: String) async throws -> [DiscoveredLink]
  /// Extracts the documents behind one discovered link, attributed to `author`.
  func extract(_ item: DiscoveredLink, author: User) async throws -> [RawDocument]
}
