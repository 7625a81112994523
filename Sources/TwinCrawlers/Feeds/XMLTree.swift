import CLibXML2

/// A parsed XML document (feeds, sitemaps); owns the libxml2 tree.
///
/// External entities are never loaded and entities never substituted (no `XML_PARSE_NOENT`, no
/// `XML_PARSE_DTDLOAD`), and `XML_PARSE_NONET` forbids network access, so a hostile feed cannot
/// read local files or reach other hosts (XXE). Text readers below skip entity references except
/// internal ones, whose replacement text is already in the document.
final class XMLTree {
  let pointer: xmlDocPtr

  /// Parses `bytes`, recovering from errors where libxml2 can; nil when no root element results.
  init?(bytes: [UInt8], url: String) {
    LibXMLSetup.prepareForParsing()
    guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else { return nil }
    let options = Int32(
      XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
        | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue)
    let parsed = bytes.withUnsafeBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { start in
        xmlReadMemory(start, Int32(buffer.count), url, nil, options)
      }
    }
    guard let parsed else { return nil }
    guard xmlDocGetRootElement(parsed) != nil else {
      xmlFreeDoc(parsed)
      return nil
    }
    pointer = parsed
  }

  deinit { xmlFreeDoc(pointer) }

  /// The root element (present by construction).
  var root: XMLNodePointer { xmlDocGetRootElement(pointer)! }

  /// The base URL in force at `node`: `xml:base` attributes on it and its ancestors resolved
  /// against the document URL.
  func baseURL(at node: XMLNodePointer) -> String? {
    guard let base = xmlNodeGetBase(pointer, node) else { return nil }
    defer { twin_xml_free(base) }
    return String(cString: base)
  }
}

extension UnsafeMutablePointer where Pointee == xmlNode {
  /// The element children of this node.
  var elementChildren: [XMLNodePointer] { children.filter(\.isElement) }

  /// The first element child with local name `name`.
  func firstChild(named name: StaticString) -> XMLNodePointer? {
    children.first { $0.isElement && $0.hasName(name) }
  }

  /// The text inside this element (text and CDATA of all descendants), never expanding external
  /// entities.
  var xmlText: String {
    var out: [UInt8] = []
    Self.appendText(of: self, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// `xmlText` with whitespace collapsed, or nil when empty.
  var trimmedXMLText: String? { TextNormalization.collapsedOrNil(xmlText) }

  private static func appendText(of node: XMLNodePointer, to out: inout [UInt8]) {
    for child in node.children {
      switch child.pointee.type {
      case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
        if let content = child.pointee.content { out.append(contentsOf: CString.buffer(content)) }
      case XML_ELEMENT_NODE:
        appendText(of: child, to: &out)
      case XML_ENTITY_REF_NODE:
        // libxml2 links a reference to its declaration; only internal entities carry their text
        // in the document itself.
        if let entity = UnsafeMutableRawPointer(child.pointee.children)?
          .assumingMemoryBound(to: xmlEntity.self),
          entity.pointee.type == XML_ENTITY_DECL,
          entity.pointee.etype == XML_INTERNAL_GENERAL_ENTITY,
          let content = entity.pointee.content
        {
          out.append(contentsOf: CString.buffer(content))
        }
      default:
        break
      }
    }
  }
}
