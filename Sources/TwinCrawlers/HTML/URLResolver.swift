import Foundation

/// Resolves link and image references against a base URL (RFC 3986, via Foundation's `URL`).
struct URLResolver {
  private let base: URL?

  /// A resolver for references found in a document at `base` (nil: references stay as written).
  init(base: String?) {
    self.base = base.flatMap { URL(string: Self.cleaned($0)) }
  }

  /// The absolute form of `reference`, or nil when it leads nowhere a reader could follow
  /// (empty, `javascript:` or an inline `data:` payload).
  func resolve(_ reference: String) -> String? {
    let cleaned = Self.cleaned(reference)
    if cleaned.isEmpty { return nil }
    // Absolute web links are by far the most common; skip URL parsing for them.
    if Self.isPlainAbsoluteWebURL(cleaned) { return cleaned }
    let lowered = cleaned.prefix(11).lowercased()
    if lowered.hasPrefix("javascript:") || lowered.hasPrefix("data:") { return nil }
    guard let resolved = URL(string: cleaned, relativeTo: base) else { return cleaned }
    return resolved.absoluteString
  }

  /// The reference with surrounding whitespace trimmed and tabs and newlines inside removed, as
  /// the URL standard has browsers do. (Byte-level: Foundation's trimming is slow on Linux, and
  /// pages hold hundreds of links.)
  private static func cleaned(_ reference: String) -> String {
    let bytes = reference.utf8
    guard let first = bytes.firstIndex(where: { !TextNormalization.isSpace($0) }) else { return "" }
    let last = bytes.lastIndex(where: { !TextNormalization.isSpace($0) })!
    let trimmed = bytes[first...last]
    guard trimmed.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
      return first == bytes.startIndex && last == bytes.index(before: bytes.endIndex)
        ? reference : String(decoding: trimmed, as: UTF8.self)
    }
    return String(
      decoding: trimmed.filter { $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
  }

  private static func isPlainAbsoluteWebURL(_ reference: String) -> Bool {
    (reference.hasPrefix("https://") || reference.hasPrefix("http://"))
      && !reference.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F || $0 == 0x5C })
  }
}
