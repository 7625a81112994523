import CLibXML2

/// Reads a page's metadata (title, description, language, canonical link, `<base>`) in one walk.
struct MetadataReader {
  private var openGraphTitle: String?
  private var titleElement: String?
  private var firstContentHeading: String?
  private var firstHeading: String?
  private var openGraphDescription: String?
  private var metaDescription: String?
  private var htmlLanguage: String?
  private var openGraphLocale: String?
  private var contentLanguage: String?
  private var canonicalHref: String?
  private var baseHref: String?
  private let documentURL: String?

  init(_ document: HTMLDocument) {
    documentURL = document.url
    guard let root = document.rootElement else { return }
    htmlLanguage = root.attribute("lang")
    visit(root, insideBoilerplate: false)
  }

  /// The metadata, with the canonical link resolved against the document's base URL.
  var metadata: PageMetadata {
    PageMetadata(
      title: openGraphTitle ?? titleElement ?? firstContentHeading ?? firstHeading,
      description: openGraphDescription ?? metaDescription,
      language: [htmlLanguage, openGraphLocale, contentLanguage].lazy.compactMap {
        $0.flatMap(Self.normalizedLanguageTag)
      }.first,
      canonicalURL: canonicalHref.flatMap { URLResolver(base: baseURL(default: nil)).resolve($0) })
  }

  /// The URL relative links resolve against: `<base href>` (itself resolved against `fallback`,
  /// else the document's URL) when the page has one, else `fallback` or the document's URL.
  func baseURL(default fallback: String?) -> String? {
    let pageURL = fallback ?? documentURL
    guard let baseHref else { return pageURL }
    return URLResolver(base: pageURL).resolve(baseHref) ?? pageURL
  }

  private mutating func visit(_ element: XMLNodePointer, insideBoilerplate: Bool) {
    for child in element.children where child.isElement {
      let tag = HTMLTag(child)
      switch tag {
      case .title:
        // A <title> inside <svg> is an icon's tooltip; svg is never entered below.
        if titleElement == nil {
          titleElement = TextNormalization.collapsedOrNil(NodeText.collapsed(child))
        }
        continue
      case .meta:
        readMeta(child)
        continue
      case .link:
        if canonicalHref == nil, let rel = child.attribute("rel"),
          rel.lowercased().split(separator: " ").contains("canonical")
        {
          canonicalHref = child.attribute("href")
        }
        continue
      case .base:
        if baseHref == nil { baseHref = child.attribute("href") }
        continue
      case .h1:
        let text = TextNormalization.collapsedOrNil(
          NodeText.collapsed(child, skippingBoilerplate: true))
        if firstHeading == nil { firstHeading = text }
        if firstContentHeading == nil, !insideBoilerplate { firstContentHeading = text }
        continue
      case .script, .style, .svg, .template, .noscript:
        continue
      default:
        // Telling furniture apart is only needed while the title may still come from an <h1>.
        let needsHeading =
          openGraphTitle == nil && titleElement == nil && firstContentHeading == nil
        visit(
          child,
          insideBoilerplate: insideBoilerplate
            || (needsHeading && Boilerplate.isDropped(child, tag: tag)))
      }
    }
  }

  private mutating func readMeta(_ meta: XMLNodePointer) {
    guard let content = TextNormalization.collapsedOrNil(meta.attribute("content")) else { return }
    if let key = (meta.attribute("property") ?? meta.attribute("name"))?.lowercased() {
      switch key {
      case "og:title": if openGraphTitle == nil { openGraphTitle = content }
      case "og:description": if openGraphDescription == nil { openGraphDescription = content }
      case "description": if metaDescription == nil { metaDescription = content }
      case "og:locale": if openGraphLocale == nil { openGraphLocale = content }
      default: break
      }
    }
    if contentLanguage == nil, meta.attribute("http-equiv")?.lowercased() == "content-language" {
      contentLanguage = content
    }
  }

  /// A BCP 47 tag in its usual case: `EN_us` becomes `en-US`; `en` stays `en`. The first of a
  /// comma-separated list is taken (Content-Language may list several).
  static func normalizedLanguageTag(_ raw: String) -> String? {
    let first =
      raw.split(separator: ",").first.map { TextNormalization.collapsed(String($0)) } ?? ""
    let subtags = first.split(whereSeparator: { $0 == "-" || $0 == "_" })
    guard let primary = subtags.first, primary.allSatisfy(\.isLetter) else { return nil }
    var parts = [primary.lowercased()]
    for subtag in subtags.dropFirst() {
      // Region codes are upper-case (US), scripts title-case (Hant), the rest lower-case.
      if subtag.count == 2, subtag.allSatisfy(\.isLetter) {
        parts.append(subtag.uppercased())
      } else if subtag.count == 4, subtag.allSatisfy(\.isLetter) {
        parts.append(subtag.prefix(1).uppercased() + subtag.dropFirst().lowercased())
      } else {
        parts.append(subtag.lowercased())
      }
    }
    return parts.joined(separator: "-")
  }
}
