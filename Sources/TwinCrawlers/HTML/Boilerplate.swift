import CLibXML2

/// Decides which elements are page furniture rather than content.
///
/// An element is dropped with its whole subtree when:
/// - its tag is never content (`nav`, `header`, `footer`, `aside`, `script`, `form`, `svg`, …);
/// - it is hidden (`hidden`, `aria-hidden="true"`, or an inline `display:none`);
/// - its ARIA role marks furniture (`navigation`, `banner`, `contentinfo`, `complementary`, …);
/// - a word of its `class` or `id` names boilerplate (comments, sharing, related posts,
///   newsletters, cookie banners, sidebars, breadcrumbs, menus, ads). Class and id values are
///   split into words at every non-alphanumeric character, so `comments-area` matches `comments`
///   while `commentary` matches nothing;
/// - its whole `class` or `id` is a structural name such as `header` or `footer`. These words are
///   only matched whole because they are often part of legitimate names (`post-header`,
///   `article-footer-notes`).
///
/// `<html>`, `<body>`, `<article>` and `<main>` are never dropped for their class, id or role:
/// themes put words like `post-sidebar-layout` on the very element that holds the article.
enum Boilerplate {
  /// True when `element` (an element node with tag `tag`) and its subtree are not content.
  static func isDropped(_ element: XMLNodePointer, tag: HTMLTag) -> Bool {
    if tag.isAlwaysDropped { return true }
    let protected: Bool
    switch tag {
    case .html, .body: return false
    case .article, .main: protected = true
    default: protected = false
    }

    var attribute = element.pointee.properties
    while let current = attribute {
      defer { attribute = current.pointee.next }
      guard let name = current.pointee.name else { continue }
      if CString.equals(name, "hidden") { return true }
      guard let value = current.pointee.children?.pointee.content else { continue }
      let bytes = CString.buffer(value)
      if CString.equals(name, "class") || CString.equals(name, "id") {
        if !protected, namesBoilerplate(bytes) { return true }
      } else if CString.equals(name, "role") {
        if !protected, furnitureRoles.contains(lowercased(bytes)) { return true }
      } else if CString.equals(name, "aria-hidden") {
        if lowercased(bytes) == "true" { return true }
      } else if CString.equals(name, "style") {
        if hidesElement(style: bytes) { return true }
      }
    }
    return false
  }

  /// Words that, anywhere in a class or id, mark a boilerplate block.
  static let boilerplateWords: Set<String> = [
    // Comment sections.
    "comment", "comments", "disqus", "respond", "discussion", "replies",
    // Sharing and social widgets.
    "share", "sharing", "sharebar", "social", "socials",
    // Related and recommended reading.
    "related", "recommended", "recirculation",
    // Newsletters and sign-ups.
    "newsletter", "subscribe", "subscription", "signup",
    // Cookie and consent banners.
    "cookie", "cookies", "consent", "gdpr",
    // Navigation aids.
    "sidebar", "breadcrumb", "breadcrumbs", "menu", "navbar", "nav", "navigation", "pagination",
    "skip",
    // Advertising.
    "ad", "ads", "advert", "adverts", "advertisement", "advertising", "adsbygoogle", "sponsor",
    "sponsored", "promo",
    // Overlays.
    "popup", "modal",
  ]

  /// Whole class or id names that mark page-level furniture.
  static let structuralNames: Set<String> = [
    "header", "footer", "site-header", "site-footer", "page-footer", "masthead", "topbar",
    "top-bar", "global-header", "global-footer",
  ]

  /// ARIA landmark roles that are never the article.
  static let furnitureRoles: Set<String> = [
    "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog",
    "menu", "menubar", "toolbar",
  ]

  /// True when a class or id value (possibly several space-separated names) names boilerplate.
  static func namesBoilerplate(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
    var wordStart = 0
    var nameStart = 0
    for index in 0...value.count {
      let byte: UInt8 = index < value.count ? value[index] : 0x20
      if TextNormalization.isSpace(byte) {
        if index > nameStart, structuralNames.contains(lowercased(value, nameStart..<index)) {
          return true
        }
        nameStart = index + 1
      }
      if !isAlphanumeric(byte) {
        // Boilerplate words are short; a long run cannot match and is not worth a lookup.
        if index > wordStart, index - wordStart <= 15,
          boilerplateWords.contains(lowercased(value, wordStart..<index))
        {
          return true
        }
        wordStart = index + 1
      }
    }
    return false
  }

  /// True for an inline style that hides the element (`display:none`, `visibility:hidden`).
  private static func hidesElement(style: UnsafeBufferPointer<UInt8>) -> Bool {
    var compact: [UInt8] = []
    compact.reserveCapacity(style.count)
    for byte in style where !TextNormalization.isSpace(byte) {
      compact.append(asciiLowercase(byte))
    }
    let text = String(decoding: compact, as: UTF8.self)
    return text.contains("display:none") || text.contains("visibility:hidden")
  }

  private static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>? = nil)
    -> String
  {
    let slice = bytes[range ?? 0..<bytes.count]
    return String(decoding: slice.lazy.map(asciiLowercase), as: UTF8.self)
  }

  @inline(__always)
  private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
  }

  @inline(__always)
  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
      || (byte >= 0x61 && byte <= 0x7A)
  }
}
