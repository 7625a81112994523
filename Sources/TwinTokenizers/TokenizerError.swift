/// Why a tokenizer could not be loaded. Every case names the file, so a message read in a log
/// says which download or cache entry to fix.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file does not exist.
  case fileNotFound(path: String)
  /// The file exists but could not be read (permissions, a directory, I/O error).
  case unreadable(path: String, reason: String)
  /// The file ends before its JSON does: an interrupted download or copy.
  case truncated(path: String)
  /// The file is not valid JSON, or its JSON is not shaped like a tokenizer.
  case invalidJSON(path: String, reason: String)
  /// The model is not a WordPiece model (for example BPE or Unigram).
  case notWordPiece(path: String, modelType: String)
  /// A normalizer, pre-tokenizer or post-processor this implementation does not reproduce;
  /// loading it anyway would give silently different token ids.
  case unsupported(path: String, component: String, type: String)
  /// The vocabulary is missing or empty.
  case missingVocabulary(path: String)
  /// A token the tokenizer needs ([UNK], [CLS], [SEP], …) is not in the vocabulary.
  case missingToken(path: String, token: String)
  /// A vocabulary read from a model file is inconsistent; the message says how.
  case invalid(String)

  public var description: String {
    switch self {
    case .fileNotFound(let path):
      "tokenizer file not found: \(path)"
    case .unreadable(let path, let reason):
      "cannot read tokenizer file \(path): \(reason)"
    case .truncated(let path):
      "tokenizer file \(path) is truncated (its JSON ends early); download it again"
    case .invalidJSON(let path, let reason):
      "tokenizer file \(path) is not a valid tokenizer.json: \(reason)"
    case .notWordPiece(let path, let modelType):
      "tokenizer file \(path) holds a \(modelType) model, not a WordPiece model"
    case .unsupported(let path, let component, let type):
      "tokenizer file \(path) uses an unsupported \(component) '\(type)'"
    case .missingVocabulary(let path):
      "tokenizer file \(path) has no vocabulary"
    case .invalid(let message):
      "invalid tokenizer: \(message)"
    case .missingToken(let path, let token):
      "tokenizer file \(path): the token '\(token)' is not in the vocabulary"
    }
  }
}
