import Foundation
import TwinCore
import Logging

/// Discovery through feeds and sitemaps.
extension CrawlerDispatcher {
  /// One link per feed entry, in feed order, without duplicates; entries with their full
  /// content carry it, so extraction need not fetch the page.
  func feedLinks(in resource: FetchedResource, origin: String) throws -> [DiscoveredLink] {
    let feed = try FeedParser.parse(resource.body, url: resource.url)
    var seen: Set<String> = []
    var links: [DiscoveredLink] = []
    for entry in feed.entries {
      let link = Self.canonicalEntryLink(entry.link)
      guard seen.insert(link).inserted else { continue }
      links.append(
        DiscoveredLink(
          link: link, origin: origin, inlineHTML: Self.fullContent(of: entry), title: entry.title))
      if links.count == limits.maxDiscoveredLinks {
        logger.warning(
          "feed truncated",
          metadata: ["feed": "\(origin)", "limit": "\(limits.maxDiscoveredLinks)"])
        break
      }
    }
    guard !links.isEmpty else {
      throw TwinError.notFound(
        kind: .content, name: CredentialRedaction.redact(origin),
        hint: "the feed lists no entries with links: "
          + (feed.entries.isEmpty ? "it is empty, or not a feed this crawler can read" : "its entries have no links"))
    }
    logger.info("read feed", metadata: ["feed": "\(origin)", "entries": "\(links.count)"])
    return links
  }

  /// The entry's article HTML when the feed carries the whole article: a `content:encoded` or
  /// Atom `content` of its own. An RSS `description` alone is usually a teaser (WordPress and
  /// Hugo put excerpts there), so such entries are fetched from the site instead.
  static func fullContent(of entry: FeedEntry) -> String? {
    guard let html = entry.contentHTML, html != entry.summary,
      !html.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    else { return nil }
    return html
  }

  /// Medium appends tracking parameters (`?source=rss-…`) to feed links; without them the link
  /// is the one a reader would share, so the same article is stored once.
  static func canonicalEntryLink(_ link: String) -> String {
    guard let host = PlatformName.host(of: link),
      host == "medium.com" || host.hasSuffix(".medium.com"),
      var components = URLComponents(string: link)
    else { return link }
    components.query = nil
    return components.string ?? link
  }

  /// The page URLs a sitemap lists, following nested sitemap indexes breadth-first up to
  /// ``Limits/maxSitemapDepth`` levels and ``Limits/maxSitemapFetches`` fetches.
  ///
  /// A nested sitemap that fails is logged and skipped (one broken child should not lose the
  /// rest); if nothing at all could be read, its error is thrown.
  func sitemapLinks(in resource: FetchedResource, origin: String) async throws -> [DiscoveredLink] {
    var urls: [String] = []
    var seenURLs: Set<String> = []
    var pending: [(resource: FetchedResource, depth: Int)] = [(resource, 0)]
    var visitedSitemaps: Set<String> = [resource.url]
    var fetches = 1
    var firstError: (any Error)?

    collecting: while !pending.isEmpty {
      let (sitemapResource, depth) = pending.removeFirst()
      switch try SitemapParser.parse(sitemapResource.body, url: sitemapResource.url) {
      case .urls(let listed):
        for url in listed where seenURLs.insert(url).inserted {
          urls.append(url)
          if urls.count == limits.maxDiscoveredLinks { break collecting }
        }
      case .index(let children):
        guard depth < limits.maxSitemapDepth else {
          logger.warning("sitemap index too deep", metadata: ["sitemap": "\(sitemapResource.url)"])
          continue
        }
        for child in children where visitedSitemaps.insert(child).inserted {
          guard fetches < limits.maxSitemapFetches else {
            logger.warning("sitemap fetch limit reached", metadata: ["sitemap": "\(origin)"])
            break
          }
          fetches += 1
          do {
            pending.append((try await fetcher.fetch(child, accept: [.xml, .text]), depth + 1))
          } catch let error as CancellationError {
            throw error
          } catch {
            logger.warning(
              "skipping sitemap", metadata: ["sitemap": "\(child)", "error": "\(error)"])
            firstError = firstError ?? error
          }
        }
      }
    }
    if urls.isEmpty, let firstError { throw firstError }
    guard !urls.isEmpty else {
      // Empty, or an index whose sitemaps only lead back to sitemaps already read.
      throw TwinError.notFound(
        kind: .content, name: CredentialRedaction.redact(origin),
        hint: "the sitemap lists no page URLs; \(visitedSitemaps.count) sitemap(s) read")
    }
    logger.info("read sitemap", metadata: ["sitemap": "\(origin)", "links": "\(urls.count)"])
    return urls.map { DiscoveredLink(link: $0, origin: origin) }
  }
}
