import Foundation
import Logging
import TwinCore

/// The crawling port's implementation: sends each link to the crawler its kind calls for.
///
/// Git links are cloned; Medium profiles and Substack publications are read through their feeds;
/// feeds and sitemaps expand into the links they list; anything else is an article page, whose
/// main content becomes Markdown. Pages fetched while discovering are kept for extraction, and
/// feed entries that carry the full article are extracted without fetching the page at all.
public final class CrawlerDispatcher: DocumentSource {
  /// Bounds on what one link may expand into, and on the pages kept between the two phases.
  public struct Limits: Sendable, Equatable {
    /// How many levels of sitemap indexes are followed below the sitemap given.
    public var maxSitemapDepth = 2
    /// How many sitemaps one link may fetch in all.
    public var maxSitemapFetches = 25
    /// How many links one feed or sitemap may expand into.
    public var maxDiscoveredLinks = 2_000
    /// How many fetched pages are kept for extraction.
    public var cachedPages = 32
    /// How many bytes of fetched pages are kept for extraction.
    public var cachedBytes = 32 * 1024 * 1024

    /// The defaults described on each property.
    public init() {}
  }

  let fetcher: HTTPFetcher
  let git: GitRepositoryCrawler
  let limits: Limits
  let logger: Logger
  let pages: FetchedPageCache

  /// A dispatcher using `fetcher` for web links and `git` for repositories. The fetcher is not
  /// owned: shut it down when crawling is over.
  public init(
    fetcher: HTTPFetcher, git: GitRepositoryCrawler, limits: Limits = Limits(),
    logger: Logger = Logger(label: "twin.crawlers.dispatch")
  ) {
    self.fetcher = fetcher
    self.git = git
    self.limits = limits
    self.logger = logger
    pages = FetchedPageCache(maxEntries: limits.cachedPages, maxBytes: limits.cachedBytes)
  }

  /// Expands `link`: a feed or sitemap into its entries, a profile into its feed's entries, and
  /// anything else into itself.
  public func discover(_ link: String) async throws -> [DiscoveredLink] {
    let kind = LinkKind.classify(link)
    switch kind {
    case .gitRepository, .localRepository:
      return [DiscoveredLink(link: link, origin: link)]
    case .mediumProfile(let feed), .substack(let feed):
      let resource = try await fetcher.fetch(feed, accept: [.xml, .html])
      return try feedLinks(in: resource, origin: link)
    case .feed, .sitemap, .article:
      let resource = try await fetcher.fetch(link)
      switch XMLKind.sniff(resource.body, mimeType: resource.mimeType) {
      case .rss, .atom:
        return try feedLinks(in: resource, origin: link)
      case .sitemap, .sitemapIndex:
        return try await sitemapLinks(in: resource, origin: link)
      case .html:
        return await pageLink(resource, link: link)
      case .unknown:
        // The body did not say; the URL's shape decides, and the parser's error is clear
        // enough when the guess is wrong.
        switch kind {
        case .feed: return try feedLinks(in: resource, origin: link)
        case .sitemap: return try await sitemapLinks(in: resource, origin: link)
        default: return await pageLink(resource, link: link)
        }
      }
    }
  }

  /// Extracts the documents behind `item`: a repository document for git links, else an
  /// article.
  ///
  /// - Throws: ``FetchError/unsupportedScheme(url:scheme:)`` for a link that a feed or sitemap
  ///   listed with a scheme other than http(s).
  public func extract(_ item: DiscoveredLink, author: User) async throws -> [RawDocument] {
    switch try Self.kind(of: item) {
    case .gitRepository, .localRepository:
      let crawl = try await git.crawl(item.link, author: author)
      if !crawl.skipped.isEmpty {
        logger.debug(
          "skipped repository paths",
          metadata: ["link": "\(item.link)", "paths": "\(crawl.skipped.map(\.description))"])
      }
      return [crawl.document]
    case .mediumProfile, .substack, .feed, .sitemap, .article:
      return [try await article(item, author: author)]
    }
  }

  /// What `item` is. A link the user gave may be anything ``LinkKind`` knows, a local
  /// repository included; a link found on the web (a feed entry, a sitemap URL) may only be
  /// http(s). A hostile feed could otherwise list `file:///home/…` and have the user's own
  /// repositories, secrets and all, crawled into the warehouse and served by `/rag`. An http(s)
  /// link then goes through the same address guard as every fetch (or clone).
  static func kind(of item: DiscoveredLink) throws -> LinkKind {
    guard item.link != item.origin else { return LinkKind.classify(item.link) }
    let scheme = URLComponents(string: FetchTarget.escape(item.link))?.scheme?.lowercased() ?? ""
    guard scheme == "http" || scheme == "https" else {
      throw FetchError.unsupportedScheme(url: CredentialRedaction.redact(item.link), scheme: scheme)
    }
    return LinkKind.classify(item.link)
  }

  /// A page link that is its own document; its body is kept for ``extract(_:author:)``.
  private func pageLink(_ resource: FetchedResource, link: String) async -> [DiscoveredLink] {
    await pages.store(resource, for: link)
    return [DiscoveredLink(link: link, origin: link)]
  }
}
