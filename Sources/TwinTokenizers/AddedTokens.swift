/// A token matched verbatim in the text before the model sees it — BERT's special tokens: a
/// literal "[MASK]" or "[SEP]" in the input becomes that token's id, as in Hugging Face
/// `tokenizers`' added vocabulary.
struct AddedToken: Sendable, Equatable {
  var content: [UInt32]
  var id: Int32
  /// Match only when not glued to word characters on either side.
  var singleWord = false
  /// Swallow the whitespace before the match.
  var leftStrip = false
  /// Swallow the whitespace after the match.
  var rightStrip = false
  /// Match against the normalised text (false: against the raw text).
  var normalized = false
}

/// A piece of text after splitting out added tokens.
enum TextSegment {
  /// Ordinary text: normalise, pre-tokenise and segment it.
  case text(Range<Int>)
  /// An added token, already an id.
  case token(Int32)
}

/// Finds added tokens in text, leftmost match first and the longest at that position — the
/// order Hugging Face's Aho–Corasick automaton reports them in.
///
/// A real automaton would be overkill: tokenizers have a handful of added tokens, so checking the
/// candidates whose first code point matches is just as fast and far simpler.
struct AddedTokenMatcher: Sendable {
  /// Candidates, longest first, so the first that matches at a position is the longest.
  private let tokens: [AddedToken]
  /// Which code points can start a match. This test runs on every code point of every text,
  /// so ASCII (where BERT's "[" is) is a bit mask rather than a hashed set.
  private let asciiFirstScalars: (low: UInt64, high: UInt64)
  private let otherFirstScalars: [UInt32]

  init(_ tokens: [AddedToken]) {
    self.tokens = tokens.filter { !$0.content.isEmpty }.sorted {
      $0.content.count > $1.content.count
    }
    var low: UInt64 = 0
    var high: UInt64 = 0
    var others: Set<UInt32> = []
    for first in self.tokens.map({ $0.content[0] }) {
      if first < 64 {
        low |= 1 << UInt64(first)
      } else if first < 128 {
        high |= 1 << UInt64(first - 64)
      } else {
        others.insert(first)
      }
    }
    asciiFirstScalars = (low, high)
    otherFirstScalars = others.sorted()
  }

  @inline(__always)
  private func mayStartMatch(_ scalar: UInt32) -> Bool {
    if scalar < 64 { return asciiFirstScalars.low & (1 << UInt64(scalar)) != 0 }
    if scalar < 128 { return asciiFirstScalars.high & (1 << UInt64(scalar - 64)) != 0 }
    return !otherFirstScalars.isEmpty && otherFirstScalars.contains(scalar)
  }

  /// Calls `body` with the segments of `text[range]` in order, stopping when it returns false.
  /// Returns false if it stopped early.
  @discardableResult
  func forEachSegment(
    in text: [UInt32], range: Range<Int>, _ body: (TextSegment) -> Bool
  ) -> Bool {
    if tokens.isEmpty { return range.isEmpty || body(.text(range)) }
    var segmentStart = range.lowerBound
    var index = range.lowerBound
    while index < range.upperBound {
      guard mayStartMatch(text[index]), let token = match(text, at: index, limit: range.upperBound)
      else {
        index += 1
        continue
      }
      var start = index
      var end = index + token.content.count
      // A rejected single-word match still consumes its text, as the automaton's iterator does.
      if token.singleWord
        && (Self.isWordCharacter(before: start, in: text, from: range.lowerBound)
          || Self.isWordCharacter(at: end, in: text, upTo: range.upperBound))
      {
        index = end
        continue
      }
      if token.leftStrip {
        while start > segmentStart && Self.isWhitespace(text[start - 1]) { start -= 1 }
      }
      if token.rightStrip {
        while end < range.upperBound && Self.isWhitespace(text[end]) { end += 1 }
      }
      if segmentStart < start && !body(.text(segmentStart..<start)) { return false }
      if !body(.token(token.id)) { return false }
      segmentStart = end
      index = end
    }
    if segmentStart < range.upperBound && !body(.text(segmentStart..<range.upperBound)) {
      return false
    }
    return true
  }

  private func match(_ text: [UInt32], at index: Int, limit: Int) -> AddedToken? {
    tokens.first { token in
      token.content.count <= limit - index
        && token.content.indices.allSatisfy { text[index + $0] == token.content[$0] }
    }
  }

  private static func isWhitespace(_ scalar: UInt32) -> Bool {
    ScalarClasses.shared.flags(scalar) & ScalarClasses.whitespace != 0
  }

  /// Regex `\w`: alphabetic, marks, decimal digits, connector punctuation, joiners.
  private static func isWordCharacter(_ scalar: UInt32) -> Bool {
    guard let scalar = Unicode.Scalar(scalar) else { return false }
    let properties = scalar.properties
    if properties.isAlphabetic || properties.isJoinControl { return true }
    switch properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation:
      return true
    default:
      return false
    }
  }

  private static func isWordCharacter(before index: Int, in text: [UInt32], from lower: Int) -> Bool
  {
    index > lower && isWordCharacter(text[index - 1])
  }

  private static func isWordCharacter(at index: Int, in text: [UInt32], upTo upper: Int) -> Bool {
    index < upper && isWordCharacter(text[index])
  }
}
