import CLibXML2
import Foundation

/// Atom 1.0 (`<feed><entry>`).
struct AtomFeedReader {
  static let namespace = "http://www.w3.org/2005/Atom"

  let tree: XMLTree

  func read() -> Feed {
    let root = tree.root
    return Feed(
      title: root.firstChild(named: "title").flatMap(text),
      entries: root.elementChildren.filter { $0.hasName("entry") }.compactMap(entry))
  }

  private func entry(_ element: XMLNodePointer) -> FeedEntry? {
    var links: [(href: String, type: String?, base: String?)] = []
    var id: String?
    var title: String?
    var content: String?
    var summary: String?
    var published: Date?
    var updated: Date?
    for child in element.elementChildren {
      switch child.name {
      case "link":
        let rel = child.attribute("rel") ?? "alternate"
        if rel == "alternate", let href = child.attribute("href") {
          links.append((href, child.attribute("type"), tree.baseURL(at: child)))
        }
      case "id": id = child.trimmedXMLText
      case "title": title = text(child)
      case "content": content = html(child)
      case "summary": summary = html(child)
      case "published": published = child.trimmedXMLText.flatMap(InternetDate.parse)
      case "updated": updated = child.trimmedXMLText.flatMap(InternetDate.parse)
      default: break
      }
    }
    // Prefer the HTML page among alternates (others may be PDFs or translations).
    let preferred = links.first { $0.type?.lowercased().contains("html") ?? false } ?? links.first
    var link = preferred.flatMap { URLResolver(base: $0.base).resolve($0.href) }
    if link == nil, let id, id.hasPrefix("http://") || id.hasPrefix("https://") { link = id }
    guard let link else { return nil }
    return FeedEntry(
      link: link, title: title, contentHTML: content, summary: summary,
      published: published ?? updated)
  }

  /// An Atom text construct as HTML: `html` is escaped HTML, `xhtml` is inline XHTML wrapped in
  /// a `<div>`, and `text` (the default) is plain text, escaped here. Content given by `src` (out
  /// of line) or with another media type has no HTML.
  private func html(_ element: XMLNodePointer) -> String? {
    if element.attribute("src") != nil { return nil }
    let type = (element.attribute("type") ?? "text").lowercased()
    switch type {
    case "html", "text/html":
      return nonBlank(element.xmlText)
    case "xhtml", "application/xhtml+xml":
      let wrapper = element.firstChild(named: "div") ?? element
      return nonBlank(serializeChildren(of: wrapper))
    case "text", "text/plain":
      return element.trimmedXMLText.map(Self.escapeHTML)
    default:
      return nil
    }
  }

  /// An Atom text construct as plain text (titles): HTML and XHTML lose their tags.
  private func text(_ element: XMLNodePointer) -> String? {
    let type = (element.attribute("type") ?? "text").lowercased()
    guard type == "html" || type == "xhtml" else { return element.trimmedXMLText }
    guard let markup = html(element), let doc = try? HTMLDocument(html: markup, url: nil),
      let body = doc.body
    else { return element.trimmedXMLText }
    return TextNormalization.collapsedOrNil(NodeText.collapsed(body))
  }

  /// The XML of `element`'s children, as written in the feed.
  private func serializeChildren(of element: XMLNodePointer) -> String {
    guard let buffer = xmlBufferCreate() else { return "" }
    defer { xmlBufferFree(buffer) }
    for child in element.children {
      xmlNodeDump(buffer, tree.pointer, child, 0, 0)
    }
    guard let content = xmlBufferContent(buffer) else { return "" }
    return String(cString: content)
  }

  private func nonBlank(_ text: String) -> String? {
    text.utf8.contains(where: { !TextNormalization.isSpace($0) }) ? text : nil
  }

  private static func escapeHTML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      default: out.append(character)
      }
    }
    return out
  }
}
