import CLibXML2

/// Turns an article's web page into its title, subtitle, language and Markdown body.
///
/// The body is the page's main content, found in this order: the longest `<article>`, the first
/// `<main>`, the first `role="main"`, else the block with the most paragraph text (discounted by
/// its share of link text), else `<body>`. Page furniture is left out wherever it appears:
/// `nav`, `header`, `footer`, `aside`, scripts, styles, forms, buttons, frames, SVG, hidden
/// elements, and elements whose class or id names comment sections, sharing widgets, related
/// posts, newsletters, cookie banners, sidebars, breadcrumbs, menus or ads (matched as whole
/// words, so `post-header` or `commentary` stay). The content is converted by the rules of
/// ``MarkdownConverter``. A first heading repeating the title is left out of the body, since the
/// title is stored on its own.
public enum ArticleExtractor {
  /// The page's own metadata; see ``PageMetadata`` for the precedence of each field.
  public static func metadata(of doc: HTMLDocument) -> PageMetadata {
    MetadataReader(doc).metadata
  }

  /// Extracts the article in `doc`. Relative links resolve against the page's `<base href>`,
  /// else `baseURL`, else the URL the document was parsed with.
  public static func extract(_ doc: HTMLDocument, baseURL: String?) -> ExtractedArticle {
    let reader = MetadataReader(doc)
    let metadata = reader.metadata
    guard let main = MainContentLocator.mainContent(of: doc) else {
      return ExtractedArticle(
        title: metadata.title, subtitle: metadata.description, language: metadata.language,
        markdown: "")
    }
    var renderer = MarkdownRenderer(
      baseURL: reader.baseURL(default: baseURL), skippingLeadingHeading: metadata.title)
    let markdown = renderer.render(main)
    return ExtractedArticle(
      title: metadata.title, subtitle: subtitle(in: main) ?? metadata.description,
      language: metadata.language, markdown: markdown)
  }

  /// Parses `html` and extracts its article; `url` is the page's address for resolving links.
  ///
  /// - Throws: ``HTMLError/unparseable(url:)`` when `html` holds no markup.
  public static func extract(html: String, url: String?) throws -> ExtractedArticle {
    extract(try HTMLDocument(html: html, url: url), baseURL: url)
  }

  /// The text of the first element in the content classed as a subtitle (`subtitle`, or a name
  /// with it as a word, like Medium's `pw-subtitle-paragraph`).
  private static func subtitle(in element: XMLNodePointer) -> String? {
    for child in element.children where child.isElement {
      let tag = HTMLTag(child)
      if tag.neverHoldsText { continue }
      if let classes = child.attribute("class"), Self.hasSubtitleWord(classes) {
        if let text = TextNormalization.collapsedOrNil(NodeText.collapsed(child)) { return text }
      }
      if let found = subtitle(in: child) { return found }
    }
    return nil
  }

  private static func hasSubtitleWord(_ classes: String) -> Bool {
    classes.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains(
      "subtitle")
  }
}
