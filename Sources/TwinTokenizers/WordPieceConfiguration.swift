import Foundation

/// Everything a `WordPieceTokenizer` is built from, whichever file it came from.
struct WordPieceConfiguration: Sendable {
  var normalizer: BertNormalizer
  var vocabulary: [String: Int32]
  var unknownToken = "[UNK]"
  var continuingSubwordPrefix = "##"
  var maxInputCharsPerWord = 100
  /// The tokens wrapped around every sequence: [CLS] before, [SEP] after.
  var classifierToken = "[CLS]"
  var separatorToken = "[SEP]"
  /// Set when the file gives ids for them (a post-processor); otherwise looked up by name.
  var classifierID: Int32?
  var separatorID: Int32?
  var paddingToken = "[PAD]"
  var paddingID: Int32?
  var addedTokens: [AddedToken] = []

  /// The ids of BERT's special tokens, looked up in `vocabulary` unless given, or an error
  /// naming the missing token.
  func specialIDs(path: String) throws -> SpecialTokenIDs {
    func id(_ token: String) throws -> Int32 {
      let scalars = token.unicodeScalars.map(\.value)
      guard let id = vocabulary[token] ?? addedTokens.first(where: { $0.content == scalars })?.id
      else { throw TokenizerError.missingToken(path: path, token: token) }
      return id
    }
    let unknown = try id(unknownToken)
    let classifier = try classifierID ?? id(classifierToken)
    let separator = try separatorID ?? id(separatorToken)
    // Padding only matters to batch callers; BERT vocabularies have [PAD] = 0.
    let padding = paddingID ?? vocabulary[paddingToken] ?? 0
    return SpecialTokenIDs(
      unknown: unknown, classifier: classifier, separator: separator, padding: padding)
  }
}

/// The ids of the tokens the tokenizer itself inserts.
struct SpecialTokenIDs: Sendable {
  var unknown: Int32
  var classifier: Int32
  var separator: Int32
  var padding: Int32
}

/// Reads a whole file, turning failures into `TokenizerError`s that name it.
enum TokenizerFile {
  static func read(_ url: URL) throws -> Data {
    let path = url.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw TokenizerError.fileNotFound(path: path)
    }
    if isDirectory.boolValue {
      throw TokenizerError.unreadable(path: path, reason: "it is a directory")
    }
    do {
      return try Data(contentsOf: url)
    } catch {
      throw TokenizerError.unreadable(path: path, reason: error.localizedDescription)
    }
  }
}
