import CLibXML2
import Foundation

/// RSS 2.0 (`<rss><channel><item>`) and RSS 1.0 (`<rdf:RDF><channel/><item>`: items are
/// siblings of the channel).
struct RSSFeedReader {
  let tree: XMLTree
  let feedURL: String

  func read() -> Feed {
    let root = tree.root
    let channel = root.firstChild(named: "channel")
    let items = (channel?.elementChildren ?? []) + root.elementChildren
    let resolver = URLResolver(base: feedURL)
    return Feed(
      title: channel?.firstChild(named: "title")?.trimmedXMLText,
      entries: items.filter { $0.hasName("item") }.compactMap { entry($0, resolver: resolver) })
  }

  private func entry(_ item: XMLNodePointer, resolver: URLResolver) -> FeedEntry? {
    var link: String?
    var permalinkGUID: String?
    var title: String?
    var description: String?
    var encoded: String?
    var published: Date?
    var dublinCoreDate: Date?
    for child in item.elementChildren {
      switch child.name {
      case "link" where child.isAtom:
        // <atom:link href=…> inside an RSS item: a fallback for a missing <link>.
        if link == nil, child.attribute("rel") ?? "alternate" == "alternate" {
          link = child.attribute("href")
        }
      case "link":
        link = child.trimmedXMLText ?? link
      case "guid":
        if child.attribute("isPermaLink")?.lowercased() != "false" {
          permalinkGUID = child.trimmedXMLText
        }
      case "title": title = child.trimmedXMLText
      case "description": description = Self.nonBlank(child.xmlText)
      case "encoded": encoded = Self.nonBlank(child.xmlText)
      case "pubDate": published = child.trimmedXMLText.flatMap(InternetDate.parse)
      case "date": dublinCoreDate = child.trimmedXMLText.flatMap(InternetDate.parse)
      default: break
      }
    }
    let candidates = [link, permalinkGUID.filter(Self.looksLikeURL)]
    guard let resolved = candidates.lazy.compactMap({ $0.flatMap(resolver.resolve) }).first else {
      return nil
    }
    return FeedEntry(
      link: resolved, title: title, contentHTML: encoded ?? description, summary: description,
      published: published ?? dublinCoreDate)
  }

  private static func nonBlank(_ text: String) -> String? {
    text.utf8.contains(where: { !TextNormalization.isSpace($0) }) ? text : nil
  }

  /// A GUID is only a link when it is an absolute web URL; many feeds use opaque ids.
  private static func looksLikeURL(_ text: String) -> Bool {
    text.hasPrefix("http://") || text.hasPrefix("https://")
  }
}

extension Optional where Wrapped == String {
  /// The value when it satisfies `predicate`, else nil.
  fileprivate func filter(_ predicate: (String) -> Bool) -> String? {
    flatMap { predicate($0) ? $0 : nil }
  }
}

extension UnsafeMutablePointer where Pointee == xmlNode {
  /// True for an element in the Atom namespace.
  var isAtom: Bool { namespaceURI == AtomFeedReader.namespace }
}
