import CLibXML2
import Foundation

/// A node of a libxml2 tree (HTML or XML).
typealias XMLNodePointer = UnsafeMutablePointer<xmlNode>

/// Read-only accessors over libxml2 nodes.
///
/// They read the tree in place, without copying names or values into Swift strings unless asked,
/// because extraction walks every node of a page several times.
extension UnsafeMutablePointer where Pointee == xmlNode {
  var isElement: Bool { pointee.type == XML_ELEMENT_NODE }
  var isText: Bool { pointee.type == XML_TEXT_NODE || pointee.type == XML_CDATA_SECTION_NODE }
  var firstChild: XMLNodePointer? { pointee.children }
  var nextSibling: XMLNodePointer? { pointee.next }
  var parentNode: XMLNodePointer? { pointee.parent }

  /// The element's name as libxml2 stores it: lower-cased by the HTML parser, and without its
  /// namespace prefix in XML.
  var name: String {
    guard let name = pointee.name else { return "" }
    return String(cString: name)
  }

  /// The namespace URI of an XML element, if it has one.
  var namespaceURI: String? {
    guard let ns = pointee.ns, let href = ns.pointee.href else { return nil }
    return String(cString: href)
  }

  /// True when the element's name is exactly `literal` (ASCII, already lower-case for HTML).
  func hasName(_ literal: StaticString) -> Bool {
    guard let name = pointee.name else { return false }
    return CString.equals(name, literal)
  }

  /// The value of the attribute `attributeName` (no namespace), or nil when absent.
  func attribute(_ attributeName: StaticString) -> String? {
    var attr = pointee.properties
    while let current = attr {
      if let name = current.pointee.name, CString.equals(name, attributeName) {
        return Self.value(of: current)
      }
      attr = current.pointee.next
    }
    return nil
  }

  /// True when the element carries the attribute at all (e.g. a bare `hidden`).
  func hasAttribute(_ attributeName: StaticString) -> Bool {
    var attr = pointee.properties
    while let current = attr {
      if let name = current.pointee.name, CString.equals(name, attributeName) { return true }
      attr = current.pointee.next
    }
    return false
  }

  /// The children of this node, first to last.
  var children: XMLNodeChildren { XMLNodeChildren(first: pointee.children) }

  private static func value(of attr: UnsafeMutablePointer<xmlAttr>) -> String {
    // The HTML parser stores a value as one text node; only XML with entity references splits it.
    if let child = attr.pointee.children, child.pointee.next == nil,
      let content = child.pointee.content
    {
      return String(cString: content)
    }
    guard let raw = xmlNodeListGetString(attr.pointee.doc, attr.pointee.children, 1) else {
      return ""
    }
    defer { twin_xml_free(raw) }
    return String(cString: raw)
  }
}

/// The children of a node as a Swift sequence.
struct XMLNodeChildren: Sequence, IteratorProtocol {
  private var upcoming: XMLNodePointer?

  init(first: XMLNodePointer?) { upcoming = first }

  mutating func next() -> XMLNodePointer? {
    guard let current = upcoming else { return nil }
    upcoming = current.pointee.next
    return current
  }
}

/// Byte-level helpers for libxml2's NUL-terminated UTF-8 strings.
enum CString {
  /// True when the NUL-terminated `bytes` equal `literal` exactly.
  static func equals(_ bytes: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
    let count = literal.utf8CodeUnitCount
    let expected = literal.utf8Start
    for index in 0..<count where bytes[index] != expected[index] { return false }
    return bytes[count] == 0
  }
}

extension CString {
  /// The bytes of a NUL-terminated libxml2 string, without the terminator.
  @inline(__always)
  static func buffer(_ bytes: UnsafePointer<xmlChar>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(
      start: bytes, count: strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self)))
  }
}
