import CLibXML2

/// Finds the element that holds a page's main content.
///
/// In order of preference:
/// 1. the `<article>` with the most text (blog indexes have several; the longest is the post);
/// 2. the first `<main>`;
/// 3. the first element with `role="main"`;
/// 4. the element with the best text-density score (below);
/// 5. `<body>`.
///
/// Boilerplate (see ``Boilerplate``) is invisible throughout: an `<article>` inside a "related
/// posts" block is never a candidate, and sidebar text never counts toward a score.
///
/// The density score of a container is the text of its paragraph-like children (`<p>`, `<pre>`,
/// `<blockquote>`, list items and bare text) plus half of that of its grandchildren, multiplied
/// by the share of its text that is not link text. Text in paragraphs scores; menus of links do
/// not.
enum MainContentLocator {
  /// The main-content element of `document`.
  static func mainContent(of document: HTMLDocument) -> XMLNodePointer? {
    guard let root = document.rootElement else { return nil }
    var search = Search()
    _ = search.visit(root, tag: HTMLTag(root), insideLink: false)
    return search.bestArticle?.node ?? search.firstMain ?? search.firstRoleMain
      ?? search.bestScored?.node ?? document.body ?? root
  }

  /// Text measures of a subtree, in non-whitespace bytes.
  private struct Measure {
    var text = 0
    var linkText = 0
    /// Text in this element's paragraph-like children, the basis of its parent's score.
    var paragraphText = 0
  }

  private struct Search {
    var bestArticle: (node: XMLNodePointer, text: Int)?
    var firstMain: XMLNodePointer?
    var firstRoleMain: XMLNodePointer?
    var bestScored: (node: XMLNodePointer, score: Double)?

    mutating func visit(_ element: XMLNodePointer, tag: HTMLTag, insideLink: Bool) -> Measure {
      var measure = Measure()
      var childParagraphs = 0
      var grandchildParagraphs = 0
      for child in element.children {
        if child.isText, let content = child.pointee.content {
          let length = Self.visibleLength(CString.buffer(content))
          measure.text += length
          if insideLink { measure.linkText += length }
          childParagraphs += length
        } else if child.isElement {
          let childTag = HTMLTag(child)
          if Boilerplate.isDropped(child, tag: childTag) { continue }
          let inner = visit(child, tag: childTag, insideLink: insideLink || childTag == .a)
          measure.text += inner.text
          measure.linkText += inner.linkText
          if childTag.isParagraphLike {
            childParagraphs += inner.text
          } else {
            grandchildParagraphs += inner.paragraphText
          }
        }
      }
      measure.paragraphText = childParagraphs
      record(
        element, tag: tag, measure: measure,
        ownParagraphs: childParagraphs + grandchildParagraphs / 2)
      return measure
    }

    private mutating func record(
      _ element: XMLNodePointer, tag: HTMLTag, measure: Measure, ownParagraphs: Int
    ) {
      if tag == .article, measure.text > (bestArticle?.text ?? -1) {
        bestArticle = (element, measure.text)
      }
      if tag == .main, firstMain == nil { firstMain = element }
      if firstRoleMain == nil, element.attribute("role")?.lowercased() == "main" {
        firstRoleMain = element
      }
      guard tag.canHoldArticle, measure.text > 0, ownParagraphs > 0 else { return }
      let linkDensity = Double(measure.linkText) / Double(measure.text)
      let score = Double(ownParagraphs) * (1 - linkDensity)
      if score > (bestScored?.score ?? 0) { bestScored = (element, score) }
    }

    /// The number of non-whitespace bytes in `bytes`.
    private static func visibleLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
      var count = 0
      for byte in bytes where !TextNormalization.isSpace(byte) { count += 1 }
      return count
    }
  }
}

extension HTMLTag {
  /// Children whose text counts as prose toward their container's density score.
  fileprivate var isParagraphLike: Bool {
    switch self {
    case .p, .pre, .blockquote, .li, .dd, .h1, .h2, .h3, .h4, .h5, .h6: true
    default: false
    }
  }

  /// Elements that can be the container of an article.
  fileprivate var canHoldArticle: Bool {
    switch self {
    case .div, .section, .article, .main, .body, .td, .center, .other: true
    default: false
    }
  }
}
