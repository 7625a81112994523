import Dispatch
import Foundation

/// A BERT WordPiece tokenizer (BertNormalizer → BertPreTokenizer → WordPiece → [CLS] … [SEP]),
/// giving the same ids as Hugging Face `tokenizers` for the same tokenizer.json.
///
/// The pipeline for one text: split out added tokens (a literal "[SEP]" in the text is the
/// [SEP] token) from the raw text; normalise each remaining piece; split out normalised added
/// tokens; split into words and punctuation; segment each word into vocabulary pieces.
public struct WordPieceTokenizer: Sendable {
  private let normalizer: BertNormalizer
  private let model: WordPieceModel
  private let rawAddedTokens: AddedTokenMatcher
  private let normalizedAddedTokens: AddedTokenMatcher
  private let idToToken: [String]
  private let specialIDs: SpecialTokenIDs

  /// Loads a Hugging Face `tokenizer.json` with a WordPiece model and a BERT normalizer and
  /// pre-tokenizer. Its truncation and padding settings are ignored; pass `maxLength` instead.
  public init(tokenizerJSON url: URL) throws {
    try self.init(TokenizerJSONLoader.load(url), path: url.path)
  }

  /// Loads a BERT `vocab.txt` with BERT's default settings (accents are stripped when
  /// lowercasing, as in the original uncased models).
  public init(vocabTXT url: URL, lowercase: Bool = true) throws {
    try self.init(VocabTXTLoader.load(url, lowercase: lowercase), path: url.path)
  }

  init(_ configuration: WordPieceConfiguration, path: String) throws {
    let ids = try configuration.specialIDs(path: path)
    normalizer = configuration.normalizer
    specialIDs = ids
    model = WordPieceModel(
      vocabulary: configuration.vocabulary, unknownID: ids.unknown,
      continuingSubwordPrefix: configuration.continuingSubwordPrefix,
      maxInputCharsPerWord: configuration.maxInputCharsPerWord)
    // Tokens marked `normalized` match the normalised text, so they are stored normalised.
    let normalizer = configuration.normalizer
    let normalized = configuration.addedTokens.filter(\.normalized).map { token in
      var normalizedContent: [UInt32] = []
      normalizer.normalize(token.content[...], into: &normalizedContent)
      return AddedToken(
        content: normalizedContent, id: token.id, singleWord: token.singleWord,
        leftStrip: token.leftStrip, rightStrip: token.rightStrip, normalized: true)
    }
    rawAddedTokens = AddedTokenMatcher(configuration.addedTokens.filter { !$0.normalized })
    normalizedAddedTokens = AddedTokenMatcher(normalized)

    let largestID = max(
      configuration.vocabulary.values.max() ?? -1, configuration.addedTokens.map(\.id).max() ?? -1)
    var idToToken = [String](repeating: "", count: Int(largestID) + 1)
    for (token, id) in configuration.vocabulary { idToToken[Int(id)] = token }
    for token in configuration.addedTokens {
      idToToken[Int(token.id)] = String(
        String.UnicodeScalarView(token.content.compactMap(Unicode.Scalar.init)))
    }
    self.idToToken = idToToken
  }

  /// The size of the id space: one more than the largest id, added tokens included.
  public var vocabularySize: Int { idToToken.count }
  /// The id put before every sequence.
  public var clsID: Int32 { specialIDs.classifier }
  /// The id put after every sequence.
  public var sepID: Int32 { specialIDs.separator }
  /// The id batch callers pad with.
  public var padID: Int32 { specialIDs.padding }
  /// The id of words that cannot be segmented.
  public var unkID: Int32 { specialIDs.unknown }

  /// Token ids with [CLS] and [SEP], truncated to `maxLength` when given — keeping [CLS] first
  /// and [SEP] last, as sentence-transformers does with `max_seq_length`. A `maxLength` below 2
  /// still yields [CLS] and [SEP].
  public func encode(_ text: String, maxLength: Int?) -> [Int32] {
    let contentLimit = maxLength.map { max($0 - 2, 0) } ?? Int.max
    var ids: [Int32] = [clsID]
    // About one token per four bytes of English; a guess, the array grows if it is short.
    ids.reserveCapacity(min(text.utf8.count / 3 + 8, contentLimit) + 2)
    appendContentIDs(of: text, limit: contentLimit, to: &ids)
    // Words are segmented whole, so the last one may overshoot the limit.
    if ids.count - 1 > contentLimit { ids.removeSubrange((contentLimit + 1)...) }
    ids.append(sepID)
    return ids
  }

  /// `encode` for each text, in order, spread over the processor's cores for large batches.
  public func encodeBatch(_ texts: [String], maxLength: Int?) -> [[Int32]] {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    // Below a few dozen texts the threads cost more than they save.
    guard texts.count >= 32, cores > 1 else {
      return texts.map { encode($0, maxLength: maxLength) }
    }
    // A few chunks per core balance uneven text lengths; contiguous chunks keep each thread's
    // writes on its own cache lines.
    let chunks = min(cores * 4, texts.count)
    let chunkSize = (texts.count + chunks - 1) / chunks
    var results = [[Int32]](repeating: [], count: texts.count)
    results.withUnsafeMutableBufferPointer { buffer in
      // Each chunk writes its own disjoint slots, so no two threads touch the same element, and
      // concurrentPerform returns only after every chunk is done.
      nonisolated(unsafe) let output = buffer
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        // Rounding the size up can leave the last chunks empty.
        let start = min(chunk * chunkSize, texts.count)
        for index in start..<min(start + chunkSize, texts.count) {
          output[index] = encode(texts[index], maxLength: maxLength)
        }
      }
    }
    return results
  }

  /// The wordpiece strings of `text`, without [CLS] and [SEP]: for debugging and tests.
  public func tokens(_ text: String) -> [String] {
    var ids: [Int32] = []
    appendContentIDs(of: text, limit: Int.max, to: &ids)
    return ids.map { idToToken[Int($0)] }
  }

  /// Appends the ids of `text` (no [CLS]/[SEP]), stopping once `limit` ids have been added.
  private func appendContentIDs(of text: String, limit: Int, to ids: inout [Int32]) {
    let base = ids.count
    var raw: [UInt32] = []
    raw.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars { raw.append(scalar.value) }
    var normalized: [UInt32] = []
    normalized.reserveCapacity(raw.count + 16)

    rawAddedTokens.forEachSegment(in: raw, range: raw.indices) { segment in
      switch segment {
      case .token(let id):
        ids.append(id)
      case .text(let range):
        normalized.removeAll(keepingCapacity: true)
        normalizer.normalize(raw[range], into: &normalized)
        normalizedAddedTokens.forEachSegment(in: normalized, range: normalized.indices) { piece in
          switch piece {
          case .token(let id):
            ids.append(id)
          case .text(let range):
            BertPreTokenizer.forEachWord(in: normalized, range: range) { word in
              model.tokenize(normalized, word: word, into: &ids)
              return ids.count - base < limit
            }
          }
          return ids.count - base < limit
        }
      }
      return ids.count - base < limit
    }
  }
}
