import Foundation

/// Splits Markdown prose into blocks, and blocks into sentences or lines.
///
/// Fenced code blocks stay one block even across blank lines; lists, tables, headings and code
/// are cut at line ends, ordinary paragraphs at sentence ends.
enum ProseSegmenter {
  /// Paragraph-level blocks; `isLineOriented` marks blocks that must be split by line.
  static func blocks(_ text: String) -> [(text: String, isLineOriented: Bool)] {
    var blocks: [(String, Bool)] = []
    var current: [String] = []
    var inFence = false
    var currentIsFence = false
    func flush() {
      guard !current.isEmpty else { return }
      let lines = current
      let lineOriented = currentIsFence || lines.count > 1 && lines.contains(where: isStructuredLine)
        || lines.allSatisfy(isStructuredLine)
      blocks.append((lines.joined(separator: "\n"), lineOriented))
      current = []
      currentIsFence = false
    }
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      let trimmed = line.drop(while: { $0 == " " })
      let isFenceMarker = trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~")
      if isFenceMarker && !inFence {
        flush()
        inFence = true
        currentIsFence = true
        current.append(line)
        continue
      }
      if inFence {
        current.append(line)
        if isFenceMarker {
          inFence = false
          flush()
        }
        continue
      }
      if line.isEmpty {
        flush()
      } else {
        current.append(line)
      }
    }
    flush()
    return blocks
  }

  /// A line whose line break means something: list items, headings, table rows, quotes,
  /// indented code.
  static func isStructuredLine(_ line: String) -> Bool {
    let trimmed = line.drop(while: { $0 == " " })
    if line.hasPrefix("    ") || line.hasPrefix("\t") { return true }
    guard let first = trimmed.first else { return false }
    if "#|>".contains(first) { return true }
    if (first == "-" || first == "*" || first == "+"), trimmed.dropFirst().first == " " { return true }
    let digits = trimmed.prefix(while: \.isNumber)
    if !digits.isEmpty, let after = trimmed.dropFirst(digits.count).first, after == "." || after == ")" {
      return true
    }
    return false
  }

  /// Sentences of a paragraph: cut after `.`, `!` or `?` (and closing quotes or brackets)
  /// followed by a space and a character that is not a lower-case letter, so "e.g. this" stays
  /// whole.
  static func sentences(_ paragraph: String) -> [String] {
    let chars = Array(paragraph)
    var sentences: [String] = []
    var start = 0
    var i = 0
    while i < chars.count {
      if ".!?".contains(chars[i]) {
        var end = i + 1
        while end < chars.count, "\"')]”’".contains(chars[end]) { end += 1 }
        if end < chars.count, chars[end] == " " || chars[end] == "\n" {
          var next = end
          while next < chars.count, chars[next] == " " || chars[next] == "\n" { next += 1 }
          if next < chars.count, !chars[next].isLowercase {
            sentences.append(String(chars[start..<end]))
            start = next
            i = next
            continue
          }
        }
      }
      i += 1
    }
    if start < chars.count { sentences.append(String(chars[start...])) }
    return sentences.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }
}
