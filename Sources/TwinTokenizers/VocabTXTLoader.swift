import Foundation

/// Reads a BERT `vocab.txt`: one token per line, the line number (from 0) being its id.
///
/// The settings a vocab.txt cannot carry are BERT's defaults, as `BertTokenizerFast` gives them:
/// the basic normaliser (accents stripped when lowercasing), [CLS]/[SEP] around each sequence,
/// and the special tokens matched verbatim in the input.
enum VocabTXTLoader {
  static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

  static func load(_ url: URL, lowercase: Bool) throws -> WordPieceConfiguration {
    let path = url.path
    let data = try TokenizerFile.read(url)
    // Split bytes, not Characters: Swift treats "\r\n" as one Character, and a token that
    // begins with a combining mark would merge with the newline before it.
    var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    // A final newline ends the last line rather than starting an empty one.
    if lines.last?.isEmpty == true { lines.removeLast() }
    var vocabulary: [String: Int32] = [:]
    vocabulary.reserveCapacity(lines.count)
    for (index, line) in lines.enumerated() {
      guard let token = String(bytes: line, encoding: .utf8) else {
        throw TokenizerError.unreadable(path: path, reason: "line \(index + 1) is not UTF-8")
      }
      // Trailing whitespace (a CR from Windows line ends) is not part of the token; a later
      // duplicate replaces an earlier one, as in the reference.
      let scalars = token.unicodeScalars
      let end = scalars.lastIndex { !$0.properties.isWhitespace }
      vocabulary[end.map { String(scalars[...$0]) } ?? ""] = Int32(index)
    }
    guard !vocabulary.isEmpty else { throw TokenizerError.missingVocabulary(path: path) }

    var configuration = WordPieceConfiguration(
      normalizer: BertNormalizer(
        cleanText: true, handleChineseChars: true, stripAccents: nil, lowercase: lowercase),
      vocabulary: vocabulary)
    configuration.addedTokens = specialTokens.compactMap { token in
      vocabulary[token].map { AddedToken(content: token.unicodeScalars.map(\.value), id: $0) }
    }
    return configuration
  }
}
