import Foundation
import TwinCore

/// Cuts a document into extracts of `minCharacters…maxCharacters` on paragraph boundaries,
/// and on sentence boundaries inside a paragraph too long to fit.
///
/// Paragraphs (and, where needed, sentences) are packed greedily: an extract is closed when the
/// next unit would take it past the maximum. A remainder shorter than the minimum joins the
/// extract before it when that stays within the maximum, and is dropped otherwise (a fragment
/// says too little to ask about). A whole document shorter than the minimum is one extract when
/// it has at least ``shortDocumentFloor`` characters: short posts are the author's voice too.
public struct ExtractCutter: Sendable, Hashable, Codable {
  public var minCharacters: Int
  public var maxCharacters: Int
  /// Documents shorter than this give no extract.
  public var shortDocumentFloor: Int

  /// The accepted extract sizes, in characters.
  public static let sizeRange = 100...20_000

  /// - Throws: ``TwinError/invalidInput(_:)`` when the sizes are out of range or the minimum
  ///   exceeds the maximum.
  public init(minCharacters: Int = 1_000, maxCharacters: Int = 2_000, shortDocumentFloor: Int = 200) throws {
    for (name, value) in [("minimum", minCharacters), ("maximum", maxCharacters)]
    where !Self.sizeRange.contains(value) {
      throw TwinError.invalidInput(
        "the extract \(name) must be between \(Self.sizeRange.lowerBound) and \(Self.sizeRange.upperBound) characters (got \(value))")
    }
    guard minCharacters <= maxCharacters else {
      throw TwinError.invalidInput(
        "the extract minimum (\(minCharacters) characters) is above the maximum (\(maxCharacters))")
    }
    self.minCharacters = minCharacters
    self.maxCharacters = maxCharacters
    self.shortDocumentFloor = min(shortDocumentFloor, minCharacters)
  }

  /// The extracts of `document`, in document order.
  public func extracts(of document: CleanedDocument) -> [Extract] {
    cut(document.content).map {
      Extract(
        documentID: document.id, category: document.category, authorFullName: document.authorFullName,
        title: document.title, text: $0)
    }
  }

  /// The extract texts of `text`.
  public func cut(_ text: String) -> [String] {
    let whole = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if whole.count < minCharacters { return whole.count >= shortDocumentFloor ? [whole] : [] }
    var extracts: [String] = []
    var current = ""
    for unit in units(of: whole) {
      let joined = current.isEmpty ? unit.text : current + unit.separator + unit.text
      if joined.count <= maxCharacters {
        current = joined
        continue
      }
      if current.count >= minCharacters {
        extracts.append(current)
        current = unit.text
      } else {
        // Too short to close, and the unit does not fit: close at the maximum, on a word.
        let (head, tail) = Self.split(joined, atMost: maxCharacters)
        extracts.append(head)
        current = tail
      }
      while current.count > maxCharacters {
        let (head, tail) = Self.split(current, atMost: maxCharacters)
        extracts.append(head)
        current = tail
      }
    }
    if current.count >= minCharacters {
      extracts.append(current)
    } else if let last = extracts.last, last.count + 1 + current.count <= maxCharacters, !current.isEmpty {
      extracts[extracts.count - 1] = last + "\n\n" + current
    }
    return extracts
  }

  private struct Unit {
    var text: String
    /// What joins it to the unit before: a blank line between paragraphs, a space between
    /// sentences of one paragraph.
    var separator: String
  }

  /// Paragraphs, with those longer than the maximum broken into sentences.
  private func units(of text: String) -> [Unit] {
    var units: [Unit] = []
    for paragraph in Self.paragraphs(text) {
      if paragraph.count <= maxCharacters {
        units.append(Unit(text: paragraph, separator: "\n\n"))
        continue
      }
      for (index, sentence) in Self.sentences(paragraph).enumerated() {
        units.append(Unit(text: sentence, separator: index == 0 ? "\n\n" : " "))
      }
    }
    return units
  }

  static func paragraphs(_ text: String) -> [String] {
    text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
  }

  /// Sentences: text up to `.`, `!` or `?` followed by whitespace (a decimal point or an
  /// abbreviation without a following space does not end one).
  static func sentences(_ paragraph: String) -> [String] {
    var sentences: [String] = []
    var current = ""
    var previousEnds = false
    for character in paragraph {
      if previousEnds, character.isWhitespace {
        let sentence = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !sentence.isEmpty { sentences.append(sentence) }
        current = ""
        previousEnds = false
        continue
      }
      current.append(character)
      previousEnds = ".!?".contains(character)
    }
    let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
    if !last.isEmpty { sentences.append(last) }
    return sentences
  }

  /// `text` cut after at most `limit` characters, at the last whitespace before it (anywhere,
  /// when there is none).
  static func split(_ text: String, atMost limit: Int) -> (String, String) {
    let end = text.index(text.startIndex, offsetBy: limit)
    let cut = text[..<end].lastIndex(where: \.isWhitespace).flatMap { $0 > text.startIndex ? $0 : nil } ?? end
    return (
      String(text[..<cut]).trimmingCharacters(in: .whitespacesAndNewlines),
      String(text[cut...]).trimmingCharacters(in: .whitespacesAndNewlines)
    )
  }
}
