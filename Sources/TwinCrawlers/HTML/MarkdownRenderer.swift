import CLibXML2

/// Walks an HTML subtree and writes it as Markdown through a ``MarkdownWriter``.
///
/// Boilerplate subtrees (see ``Boilerplate``) are skipped as they are met, so the tree itself is
/// never modified and a document can be rendered any number of times.
struct MarkdownRenderer {
  /// Past this nesting depth the rest of a subtree is written as plain text: pathological pages
  /// nest thousands of unclosed elements, and recursion must stay well inside a task's stack.
  static let maximumDepth = 200

  var writer: MarkdownWriter
  let resolver: URLResolver
  /// The page title, lower-cased and whitespace-collapsed, while a first heading repeating it
  /// may still come.
  private var titleToSkip: String?
  private var emphasisDepth = 0
  private var strongDepth = 0
  private var linkDepth = 0
  private var listItemDepth = 0
  private var depth = 0

  /// A renderer resolving links against `baseURL`. With `title`, a heading that equals it and
  /// comes before any other content is left out: the title is stored on its own, and repeating
  /// it as the first line of the body would duplicate it.
  init(baseURL: String?, skippingLeadingHeading title: String? = nil) {
    writer = MarkdownWriter()
    resolver = URLResolver(base: baseURL)
    titleToSkip = title.map(Self.comparable)
  }

  /// Renders `root` and its subtree (`root` itself is never dropped as boilerplate).
  mutating func render(_ root: XMLNodePointer) -> String {
    if root.isText {
      if let content = root.pointee.content { writer.text(CString.buffer(content)) }
    } else if root.isElement {
      renderElement(root, tag: HTMLTag(root))
    } else {
      renderChildren(root)
    }
    return writer.finish()
  }

  // MARK: Dispatch

  mutating func renderChildren(_ node: XMLNodePointer) {
    for child in node.children { renderChild(child) }
  }

  /// Renders a text node, or an element unless it is boilerplate.
  mutating func renderChild(_ child: XMLNodePointer) {
    if child.isText {
      if let content = child.pointee.content { writer.text(CString.buffer(content)) }
    } else if child.isElement {
      let tag = HTMLTag(child)
      if !Boilerplate.isDropped(child, tag: tag) { renderElement(child, tag: tag) }
    }
  }

  mutating func renderElement(_ element: XMLNodePointer, tag: HTMLTag) {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maximumDepth else {
      var text = NodeText.collapsed(element, skippingBoilerplate: true)
      text.withUTF8 { writer.text($0) }
      return
    }
    if let level = tag.headingLevel {
      heading(element, level: level)
      return
    }
    switch tag {
    case .ul, .menu: list(element, ordered: false)
    case .ol: list(element, ordered: true)
    case .li: listItem(element, marker: "- ")
    case .blockquote: blockquote(element)
    case .pre: preformatted(element)
    case .code, .kbd, .samp, .tt: inlineCode(element)
    case .table: table(element)
    case .hr: horizontalRule()
    case .br: writer.lineBreak()
    case .a: link(element)
    case .img: image(element)
    case .em, .i: emphasis(element, strong: false)
    case .strong, .b: emphasis(element, strong: true)
    default:
      if tag.isBlock {
        block(element)
      } else {
        renderChildren(element)
      }
    }
  }

  // MARK: Blocks

  /// A block element: its content set apart by blank lines.
  mutating func block(_ element: XMLNodePointer) {
    writer.blockBoundary(blankLine: true)
    renderChildren(element)
    writer.blockBoundary(blankLine: true)
  }

  private mutating func heading(_ element: XMLNodePointer, level: Int) {
    if let title = titleToSkip {
      titleToSkip = nil
      if writer.isEmpty,
        Self.comparable(NodeText.collapsed(element, skippingBoilerplate: true)) == title
      {
        return
      }
    }
    // A heading inside a link or table cell can only be text there.
    guard !writer.isSingleLine else {
      renderChildren(element)
      return
    }
    writer.blockBoundary(blankLine: true)
    let start = writer.open(String(repeating: "#", count: level) + " ")
    writer.beginSingleLine()
    renderChildren(element)
    writer.endSingleLine()
    if writer.isUnchanged(since: start) { writer.restore(start) }
    writer.blockBoundary(blankLine: true)
  }

  private mutating func list(_ element: XMLNodePointer, ordered: Bool) {
    // A list nested in an item hugs its parent item; a top-level list is its own block.
    let nested = listItemDepth > 0
    writer.blockBoundary(blankLine: !nested)
    var number = ordered ? Int(element.attribute("start") ?? "") ?? 1 : 1
    for child in element.children {
      if child.isText {
        if let content = child.pointee.content { writer.text(CString.buffer(content)) }
        continue
      }
      guard child.isElement else { continue }
      let tag = HTMLTag(child)
      if Boilerplate.isDropped(child, tag: tag) { continue }
      switch tag {
      case .li:
        listItem(child, marker: ordered ? "\(number). " : "- ")
        number += 1
      case .ul, .ol:
        // A list directly inside a list (invalid, but common) belongs to the item before it.
        writer.pushPrefix(ordered ? "   " : "  ")
        listItemDepth += 1
        renderElement(child, tag: tag)
        listItemDepth -= 1
        writer.popPrefix()
      default:
        renderElement(child, tag: tag)
      }
    }
    writer.blockBoundary(blankLine: !nested)
  }

  private mutating func listItem(_ element: XMLNodePointer, marker: String) {
    writer.blockBoundary(blankLine: false)
    let start = writer.open(marker)
    writer.continueLineAfterMarker()
    writer.pushPrefix(String(repeating: " ", count: marker.utf8.count))
    listItemDepth += 1
    renderChildren(element)
    listItemDepth -= 1
    writer.popPrefix()
    if writer.isUnchanged(since: start) {
      writer.restore(start)
    } else {
      writer.endListItem()
    }
  }

  private mutating func blockquote(_ element: XMLNodePointer) {
    guard !writer.isSingleLine else {
      renderChildren(element)
      return
    }
    writer.blockBoundary(blankLine: true)
    writer.pushPrefix("> ")
    renderChildren(element)
    writer.popPrefix()
    writer.blockBoundary(blankLine: true)
  }

  private mutating func horizontalRule() {
    guard !writer.isSingleLine else { return }
    writer.blockBoundary(blankLine: true)
    writer.write("---")
    writer.blockBoundary(blankLine: true)
  }

  private mutating func preformatted(_ element: XMLNodePointer) {
    var code = NodeText.verbatim(element)
    Self.normalizeCodeBlock(&code)
    guard !code.isEmpty else { return }
    if writer.isSingleLine {
      writeInlineCode(String(decoding: code, as: UTF8.self))
      return
    }
    let fence = String(repeating: "`", count: max(3, Self.longestBacktickRun(code) + 1))
    writer.codeBlock(code, fence: fence, language: Self.codeLanguage(of: element) ?? "")
  }

  // MARK: Inline

  private mutating func inlineCode(_ element: XMLNodePointer) {
    writeInlineCode(NodeText.collapsed(element))
  }

  private mutating func writeInlineCode(_ text: String) {
    let code = TextNormalization.collapsed(text)
    guard !code.isEmpty else { return }
    let fence = String(repeating: "`", count: Self.longestBacktickRun(Array(code.utf8)) + 1)
    // CommonMark strips one space on each side, so a code span may start or end with a backtick.
    let padding = code.hasPrefix("`") || code.hasSuffix("`") ? " " : ""
    writer.write(fence + padding + code + padding + fence)
  }

  private mutating func link(_ element: XMLNodePointer) {
    // In-page anchors ("#section", heading permalinks) and nested links keep only their text.
    guard linkDepth == 0, let href = element.attribute("href"), !href.hasPrefix("#"),
      let target = resolver.resolve(href)
    else {
      renderChildren(element)
      return
    }
    // A link can only span inline content. Blocks inside one are usually an unclosed <a> that
    // libxml2 kept open over the rest of the page (browsers would close it), so the link ends
    // at the first block and the blocks render as blocks.
    var child = element.firstChild
    writer.openSpan("[")
    linkDepth += 1
    writer.beginSingleLine()
    while let current = child, !(current.isElement && HTMLTag(current).isBlock) {
      renderChild(current)
      child = current.nextSibling
    }
    writer.endSingleLine()
    linkDepth -= 1
    writer.closeSpan("](" + target + ")")
    while let current = child {
      renderChild(current)
      child = current.nextSibling
    }
  }

  private mutating func image(_ element: XMLNodePointer) {
    // Lazy-loading scripts keep the real source in data-src until the image scrolls into view.
    guard let source = element.attribute("src") ?? element.attribute("data-src"),
      let target = resolver.resolve(source)
    else { return }
    let alt = TextNormalization.collapsed(element.attribute("alt") ?? "")
    writer.write("![" + alt + "](" + target + ")")
  }

  private mutating func emphasis(_ element: XMLNodePointer, strong: Bool) {
    // `<b><b>x</b></b>` is still just bold.
    guard strong ? strongDepth == 0 : emphasisDepth == 0 else {
      renderChildren(element)
      return
    }
    let marker = strong ? "**" : "*"
    writer.openSpan(marker)
    if strong { strongDepth += 1 } else { emphasisDepth += 1 }
    renderChildren(element)
    if strong { strongDepth -= 1 } else { emphasisDepth -= 1 }
    writer.closeSpan(marker)
  }

  // MARK: Helpers

  /// A title or heading in the form used to compare them.
  private static func comparable(_ text: String) -> String {
    TextNormalization.collapsed(text).lowercased()
  }

  /// Drops the newline HTML ignores after `<pre>`, turns CRLF into LF and trims trailing
  /// whitespace; everything else is kept exactly.
  private static func normalizeCodeBlock(_ code: inout [UInt8]) {
    if code.contains(0x0D) {
      var normalized: [UInt8] = []
      normalized.reserveCapacity(code.count)
      for (index, byte) in code.enumerated() {
        if byte == 0x0D {
          if index + 1 < code.count, code[index + 1] == 0x0A { continue }
          normalized.append(0x0A)
        } else {
          normalized.append(byte)
        }
      }
      code = normalized
    }
    if code.first == 0x0A { code.removeFirst() }
    while let last = code.last, TextNormalization.isSpace(last) { code.removeLast() }
  }

  private static func longestBacktickRun(_ bytes: [UInt8]) -> Int {
    var longest = 0
    var current = 0
    for byte in bytes {
      current = byte == 0x60 ? current + 1 : 0
      longest = max(longest, current)
    }
    return longest
  }

  /// The language named by a `language-x` or `lang-x` class on the `<pre>` or its `<code>`.
  private static func codeLanguage(of pre: XMLNodePointer) -> String? {
    var candidates = [pre]
    if let code = pre.children.first(where: { $0.isElement && $0.hasName("code") }) {
      candidates.append(code)
    }
    for element in candidates {
      guard let classes = element.attribute("class") else { continue }
      for name in classes.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
        for prefix in ["language-", "lang-"]
        where name.hasPrefix(prefix) && name.count > prefix.count {
          return String(name.dropFirst(prefix.count))
        }
      }
    }
    return nil
  }
}
