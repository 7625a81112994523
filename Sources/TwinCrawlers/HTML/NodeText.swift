import CLibXML2

/// The text of libxml2 subtrees.
enum NodeText {
  /// The text under `node`, whitespace-collapsed and trimmed.
  ///
  /// Scripts, styles and the like never count as text. With `skippingBoilerplate`, subtrees that
  /// ``Boilerplate`` drops are left out too (a heading's hidden "copy link" label, say).
  static func collapsed(_ node: XMLNodePointer, skippingBoilerplate: Bool = false) -> String {
    var out: [UInt8] = []
    var spacePending = false
    appendCollapsed(
      node, to: &out, spacePending: &spacePending, skippingBoilerplate: skippingBoilerplate)
    return String(decoding: out, as: UTF8.self)
  }

  /// The text under `node` exactly as written, with `<br>` as a newline (for `<pre>`).
  static func verbatim(_ node: XMLNodePointer) -> [UInt8] {
    var out: [UInt8] = []
    appendVerbatim(node, to: &out)
    return out
  }

  private static func appendCollapsed(
    _ node: XMLNodePointer, to out: inout [UInt8], spacePending: inout Bool,
    skippingBoilerplate: Bool
  ) {
    for child in node.children {
      if child.isText {
        if let content = child.pointee.content {
          spacePending = TextNormalization.appendCollapsed(
            CString.buffer(content), to: &out, spacePending: spacePending)
        }
      } else if child.isElement {
        let tag = HTMLTag(child)
        if tag == .br || tag.isBlock {
          spacePending = true
        }
        if skippingBoilerplate ? Boilerplate.isDropped(child, tag: tag) : tag.neverHoldsText {
          continue
        }
        appendCollapsed(
          child, to: &out, spacePending: &spacePending, skippingBoilerplate: skippingBoilerplate)
        if tag.isBlock { spacePending = true }
      }
    }
  }

  private static func appendVerbatim(_ node: XMLNodePointer, to out: inout [UInt8]) {
    for child in node.children {
      if child.isText {
        if let content = child.pointee.content { out.append(contentsOf: CString.buffer(content)) }
      } else if child.isElement {
        let tag = HTMLTag(child)
        if tag == .br {
          out.append(0x0A)
        } else if !tag.neverHoldsText {
          appendVerbatim(child, to: &out)
        }
      }
    }
  }
}

extension HTMLTag {
  /// Elements whose text content is code or markup, never prose.
  var neverHoldsText: Bool {
    switch self {
    case .script, .style, .template, .noscript, .head, .svg, .textarea, .select: true
    default: false
    }
  }
}
