import Foundation

/// Normalises text without destroying its structure.
///
/// The Handbook's cleaner squashes everything but word characters and basic punctuation into
/// single spaces, which erases paragraphs, lists, code and its own `####` separators. Chunking
/// and dataset generation both need that structure, so this cleaner only removes what carries no
/// meaning: invisible characters, control characters, inconsistent line endings and runs of
/// blank space.
public enum TextCleaner {
  /// Cleans Markdown prose: NFC, `\n` line endings, no zero-width or control characters, spaces
  /// collapsed inside lines (indentation and fenced code blocks kept as they are), at most one
  /// blank line in a row, no trailing spaces.
  public static func cleanProse(_ text: String) -> String {
    var lines: [String] = []
    var inFence = false
    for line in normalizedLines(text, keepTabs: true) {
      let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
      if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
        inFence.toggle()
        lines.append(trimTrailing(line))
        continue
      }
      lines.append(inFence ? trimTrailing(line) : collapseSpaces(line))
    }
    return joinCollapsingBlankLines(lines, maxBlank: 1)
  }

  /// Cleans source code: line endings, invisible and control characters (tabs kept), trailing
  /// whitespace, and runs of more than two blank lines. Indentation is never touched.
  public static func cleanCode(_ text: String) -> String {
    joinCollapsingBlankLines(normalizedLines(text, keepTabs: true).map(trimTrailing), maxBlank: 2)
  }

  /// NFC, one kind of line break, and only visible characters, split into lines.
  static func normalizedLines(_ text: String, keepTabs: Bool) -> [String] {
    var scalars = String.UnicodeScalarView()
    var previousWasCR = false
    for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
      defer { previousWasCR = scalar == "\r" }
      switch scalar.value {
      case 0x0A:
        if !previousWasCR { scalars.append("\n") }
      case 0x0D, 0x2028, 0x2029:
        scalars.append("\n")
      case 0x09:
        scalars.append(keepTabs ? "\t" : " ")
      case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD:
        // Zero-width spaces and joiners, word joiner, BOM, soft hyphen: invisible, and they
        // split words in the tokenizer.
        continue
      default:
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .unassigned, .privateUse:
          // Other format characters (bidi marks, …) are invisible too. Dropping the ZWJ above
          // also splits joined emoji into their parts, which the embedder sees the same way.
          continue
        case .spaceSeparator:
          scalars.append(" ")
        default:
          scalars.append(scalar)
        }
      }
    }
    return String(scalars).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  /// Collapses runs of spaces and tabs after the indentation, and trims the end.
  static func collapseSpaces(_ line: String) -> String {
    let indentation = line.prefix(while: { $0 == " " || $0 == "\t" })
    var out = String(indentation)
    var pendingSpace = false
    for ch in line.dropFirst(indentation.count) {
      if ch == " " || ch == "\t" {
        pendingSpace = true
      } else {
        if pendingSpace { out.append(" ") }
        pendingSpace = false
        out.append(ch)
      }
    }
    return out.allSatisfy({ $0 == " " || $0 == "\t" }) ? "" : out
  }

  static func trimTrailing(_ line: String) -> String {
    var end = line.endIndex
    while end > line.startIndex {
      let before = line.index(before: end)
      guard line[before] == " " || line[before] == "\t" else { break }
      end = before
    }
    return String(line[..<end])
  }

  /// Joins lines, keeping at most `maxBlank` blank lines in a row and none at either end.
  static func joinCollapsingBlankLines(_ lines: [String], maxBlank: Int) -> String {
    var out: [String] = []
    var blanks = 0
    for line in lines {
      if line.isEmpty {
        blanks += 1
        if blanks <= maxBlank, !out.isEmpty { out.append(line) }
      } else {
        blanks = 0
        out.append(line)
      }
    }
    while out.last?.isEmpty == true { out.removeLast() }
    return out.joined(separator: "\n")
  }
}
