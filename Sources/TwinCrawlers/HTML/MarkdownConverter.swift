import CLibXML2

/// Converts HTML to Markdown.
///
/// Most callers want ``ArticleExtractor``, which also picks the page's main content; these
/// entries convert what they are given as a whole, for input that is already the article (a
/// feed entry's HTML) or a node already chosen.
///
/// The output uses ATX headings (`#`…`######`), `*emphasis*`, `**strong**`, backtick code spans,
/// fenced code blocks (whitespace kept exactly; the language from a `language-x` or `lang-x`
/// class), `-` and `1.` lists (nested by indentation), `>` quotes, `[text](url)` links and
/// `![alt](url)` images with absolute URLs, `---` rules, and pipe tables. Whitespace in prose is
/// collapsed as a browser would; no raw HTML is emitted; the text ends with one newline (or is
/// empty) and never holds two blank lines in a row. Page furniture inside the input (navigation,
/// scripts, comment sections, …; see ``ArticleExtractor``) is always left out.
public enum MarkdownConverter {
  /// The Markdown for `node` and its subtree, resolving links against `baseURL`; `node` itself
  /// is rendered even if it looks like furniture.
  public static func markdown(from node: UnsafeMutablePointer<xmlNode>, baseURL: String?)
    -> String
  {
    var renderer = MarkdownRenderer(baseURL: baseURL)
    return renderer.render(node)
  }

  /// The Markdown for the whole `<body>` of `document` (no main-content selection), resolving
  /// links against `baseURL`, else the document's URL.
  public static func markdown(fromBodyOf document: HTMLDocument, baseURL: String?) -> String {
    guard let body = document.body ?? document.rootElement else { return "" }
    return markdown(from: body, baseURL: baseURL ?? document.url)
  }

  /// Parses `html` and converts its whole body; `baseURL` resolves relative links.
  ///
  /// - Throws: ``HTMLError/unparseable(url:)`` when `html` holds no markup.
  public static func markdown(html: String, baseURL: String?) throws -> String {
    markdown(fromBodyOf: try HTMLDocument(html: html, url: baseURL), baseURL: baseURL)
  }
}
