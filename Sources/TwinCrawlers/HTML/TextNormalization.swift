/// Whitespace handling shared by metadata, feeds and Markdown.
///
/// HTML collapses runs of ASCII whitespace to one space. No-break spaces are folded in too: in
/// extracted text they only ever stand for a space (or, alone in a `<p>`, for vertical spacing).
enum TextNormalization {
  /// True for the bytes HTML treats as whitespace.
  @inline(__always)
  static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C
  }

  /// Splits UTF-8 `bytes` into words and whitespace runs, calling `space` once per whitespace run
  /// (U+00A0 included) and `word` with each run of other bytes, in order.
  @inline(__always)
  static func scanWords(
    _ bytes: UnsafeBufferPointer<UInt8>, space: () -> Void,
    word: (UnsafeBufferPointer<UInt8>) -> Void
  ) {
    let count = bytes.count
    var index = 0
    while index < count {
      var end = index
      while end < count, !isSpace(bytes[end]), !isNoBreakSpace(bytes, at: end) { end += 1 }
      if end > index { word(UnsafeBufferPointer(rebasing: bytes[index..<end])) }
      guard end < count else { return }
      space()
      index = end
      while index < count {
        if isSpace(bytes[index]) {
          index += 1
        } else if isNoBreakSpace(bytes, at: index) {
          index += 2
        } else {
          break
        }
      }
    }
  }

  /// `text` with whitespace runs collapsed to one space and the ends trimmed.
  static func collapsed(_ text: String) -> String {
    var text = text
    return text.withUTF8 { bytes in
      var out: [UInt8] = []
      out.reserveCapacity(bytes.count)
      appendCollapsed(bytes, to: &out, spacePending: false)
      return String(decoding: out, as: UTF8.self)
    }
  }

  /// `collapsed(text)`, or nil when that is empty.
  static func collapsedOrNil(_ text: String?) -> String? {
    guard let text else { return nil }
    let result = collapsed(text)
    return result.isEmpty ? nil : result
  }

  /// Appends `bytes` to `out` with whitespace collapsed, writing a space only between words (so
  /// `out` never starts with one). Returns whether whitespace trails, for chaining text nodes.
  @discardableResult
  static func appendCollapsed(
    _ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], spacePending: Bool
  ) -> Bool {
    var pending = spacePending
    scanWords(
      bytes, space: { pending = true },
      word: { word in
        if pending, !out.isEmpty { out.append(0x20) }
        pending = false
        out.append(contentsOf: word)
      })
    return pending
  }

  @inline(__always)
  private static func isNoBreakSpace(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
    bytes[index] == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0
  }
}
