import Foundation
import TwinCore

/// Extraction of article pages.
extension CrawlerDispatcher {
  /// The article at `item`: from the feed's inline HTML when there is some, else from the page
  /// kept during discovery, else from a fresh fetch.
  ///
  /// - Throws: ``TwinError/notFound(kind:name:hint:)`` when the page has no article text.
  func article(_ item: DiscoveredLink, author: User) async throws -> RawDocument {
    let extracted: ExtractedArticle
    if let html = item.inlineHTML {
      extracted = try ArticleExtractor.extract(html: html, url: item.link)
    } else {
      let cached = await pages.take(item.link)
      let resource: FetchedResource
      if let cached {
        resource = cached
      } else {
        resource = try await fetcher.fetch(item.link)
      }
      let document = try HTMLDocument(
        bytes: resource.body, url: resource.url, encoding: resource.charset)
      extracted = ArticleExtractor.extract(document, baseURL: resource.url)
    }

    guard !extracted.markdown.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw TwinError.notFound(kind: .content, name: item.link, hint: "no article text on the page")
    }
    var content = DocumentContent([
      .title: extracted.title ?? item.title,
      // Kept when absent: the Handbook's articles always have the key, often as null.
      .subtitle: extracted.subtitle,
      .content: extracted.markdown,
    ])
    if let language = extracted.language { content[.language] = language }
    return try RawDocument.article(
      content: content, platform: PlatformName.forArticle(link: item.link, origin: item.origin),
      author: author, link: CredentialRedaction.redact(item.link))
  }
}
