/// The HTML elements extraction treats specially; everything else is `.other` (rendered as an
/// inline container, so unknown and custom elements keep their text).
enum HTMLTag: String {
  // Document structure.
  case html, head, body, title, meta, link, base
  // Sections that hold the main content.
  case article, main, section, div
  // Page furniture, dropped wherever it appears.
  case nav, header, footer, aside
  // Non-content elements, dropped wherever they appear.
  case script, style, noscript, template, iframe, frame, frameset, form, button, svg, select, input
  case textarea, canvas, object, embed, video, audio, map, dialog, source, track, param
  // Blocks.
  case p, h1, h2, h3, h4, h5, h6, ul, ol, li, dl, dt, dd, blockquote, pre, hr, figure, figcaption
  case address, details, summary, center, fieldset, legend, hgroup, menu
  // Tables.
  case table, caption, thead, tbody, tfoot, tr, th, td, colgroup, col
  // Inline elements with a Markdown form.
  case a, img, br, wbr, em, i, strong, b, code, kbd, samp, tt
  case other

  /// The tag of an element node.
  init(_ node: XMLNodePointer) {
    self = HTMLTag(rawValue: node.name) ?? .other
  }

  /// Elements whose whole subtree is never content.
  var isAlwaysDropped: Bool {
    switch self {
    case .head, .title, .meta, .link, .base, .nav, .header, .footer, .aside, .script, .style,
      .noscript, .template, .iframe, .frame, .frameset, .form, .button, .svg, .select, .input,
      .textarea, .canvas, .object, .embed, .video, .audio, .map, .dialog, .source, .track, .param,
      .colgroup, .col:
      true
    default:
      false
    }
  }

  /// Elements that start and end a block of text (a paragraph boundary in Markdown).
  var isBlock: Bool {
    switch self {
    case .html, .body, .article, .main, .section, .div, .p, .h1, .h2, .h3, .h4, .h5, .h6, .ul, .ol,
      .li, .dl, .dt, .dd, .blockquote, .pre, .hr, .figure, .figcaption, .address, .details,
      .summary, .center, .fieldset, .legend, .hgroup, .menu, .table, .caption, .thead, .tbody,
      .tfoot, .tr, .th, .td:
      true
    default:
      false
    }
  }

  /// The heading level of h1…h6, else nil.
  var headingLevel: Int? {
    switch self {
    case .h1: 1
    case .h2: 2
    case .h3: 3
    case .h4: 4
    case .h5: 5
    case .h6: 6
    default: nil
    }
  }
}
