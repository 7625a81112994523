/// The smallest piece the chunker moves as a whole: a sentence, a line of a list or code block,
/// or, for overlong sentences, a run of words.
struct TextUnit: Sendable, Hashable {
  /// What joins this unit to the one before it in the same chunk.
  enum Join: Sendable, Hashable {
    /// A new paragraph or block.
    case paragraph
    /// A new line in the same block (lists, code, tables).
    case line
    /// The next sentence or word run in the same paragraph.
    case space
    /// A piece cut out of a longer word: glued on with nothing between.
    case none

    var separator: String {
      switch self {
      case .paragraph: "\n\n"
      case .line: "\n"
      case .space: " "
      case .none: ""
      }
    }
  }

  var text: String
  var join: Join
  var tokens: Int
}

extension Array where Element == TextUnit {
  /// The units as text; the first unit's join is dropped.
  var joinedText: String {
    var out = ""
    for (i, unit) in enumerated() {
      if i > 0 { out += unit.join.separator }
      out += unit.text
    }
    return out
  }

  var tokenSum: Int { reduce(0) { $0 + $1.tokens } }
}
