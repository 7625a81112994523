/// Turns a token stream's bytes into text without ever splitting a character: a token may end
/// in the middle of a multi-byte UTF-8 sequence, whose remaining bytes come with the next one.
struct UTF8Assembler {
  private var pending: [UInt8] = []

  /// Appends `bytes` and returns the text that is now complete.
  mutating func append(_ bytes: [UInt8]) -> String {
    pending += bytes
    let complete = Self.completePrefixLength(pending)
    let text = String(decoding: pending[..<complete], as: UTF8.self)
    pending.removeFirst(complete)
    return text
  }

  /// Whatever is left at the end, invalid bytes replaced by U+FFFD.
  mutating func flush() -> String {
    defer { pending = [] }
    return String(decoding: pending, as: UTF8.self)
  }

  /// The length of the longest prefix that does not end inside an unfinished sequence.
  static func completePrefixLength(_ bytes: [UInt8]) -> Int {
    // Look back at most 3 bytes for the start of the last sequence.
    var i = bytes.count - 1
    var continuation = 0
    while i >= 0, continuation < 3, bytes[i] & 0xC0 == 0x80 {
      continuation += 1
      i -= 1
    }
    guard i >= 0 else { return bytes.count }
    let lead = bytes[i]
    let needed: Int
    switch lead {
    case 0xC0...0xDF: needed = 1
    case 0xE0...0xEF: needed = 2
    case 0xF0...0xF7: needed = 3
    default: return bytes.count  // ASCII or an invalid lead byte: nothing to wait for
    }
    return continuation < needed ? i : bytes.count
  }
}
