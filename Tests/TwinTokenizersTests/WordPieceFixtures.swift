import Foundation

/// One reference encoding from `Fixtures/wordpiece_ids.json`, made by Hugging Face `tokenizers`
/// (see `Fixtures/make_wordpiece_fixtures.py`).
struct WordPieceCase: Decodable, Sendable {
  var text: String
  var ids: [Int32]
  /// Set for cases truncated as sentence-transformers does; nil for full encodings.
  var maxLength: Int?

  enum CodingKeys: String, CodingKey {
    case text, ids
    case maxLength = "max_length"
  }

  static let all: [WordPieceCase] = {
    guard
      let url = Bundle.module.url(
        forResource: "wordpiece_ids", withExtension: "json", subdirectory: "Fixtures")
    else { fatalError("Fixtures/wordpiece_ids.json is missing from the test bundle") }
    do {
      return try JSONDecoder().decode([WordPieceCase].self, from: Data(contentsOf: url))
    } catch {
      fatalError("Fixtures/wordpiece_ids.json is unreadable: \(error)")
    }
  }()

  static var full: [WordPieceCase] { all.filter { $0.maxLength == nil } }
  static var truncated: [WordPieceCase] { all.filter { $0.maxLength != nil } }
}

/// The text with control and invisible characters escaped, so a failure message shows them.
func visible(_ text: String) -> String {
  text.unicodeScalars.map { scalar in
    scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F || scalar.properties.isAlphabetic
      ? String(scalar) : "\\u{\(String(scalar.value, radix: 16))}"
  }.joined()
}

/// Describes the first case whose ids differ from what `encode` gives, or nil if all agree.
func firstMismatch(_ cases: [WordPieceCase], _ encode: (WordPieceCase) -> [Int32]) -> String? {
  for (index, example) in cases.enumerated() {
    let got = encode(example)
    guard got != example.ids else { continue }
    let position =
      zip(got, example.ids).enumerated().first { $0.element.0 != $0.element.1 }?.offset
      ?? min(got.count, example.ids.count)
    return """
      case \(index) differs at id \(position) (of \(example.ids.count) expected, \(got.count) got)
      text:     "\(visible(example.text))"
      expected: \(example.ids)
      got:      \(got)
      """
  }
  return nil
}
