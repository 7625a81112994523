import Foundation
import Synchronization

/// A byte-level BPE tokenizer (GGUF `tokenizer.ggml.model = gpt2`): GPT-2, SmolLM, Llama 3,
/// Qwen 2.
///
/// Encoding: split out literal special tokens; cut the rest into words with the model's
/// pre-tokenizer; write each word's UTF-8 bytes in the byte-level alphabet; apply the merges
/// in rank order; look the resulting symbols up.
public final class ByteLevelBPETokenizer: Sendable {
  public let vocabulary: TokenVocabulary
  public let preTokenizer: BPEPreTokenizer
  /// Merge rank by pair ("a b" in GGUF; stored as the two symbols joined by a space).
  private let ranks: [String: Int]
  private let plainSplitter: SpecialTokenSplitter
  private let specialSplitter: SpecialTokenSplitter
  /// Words seen before and their ids: prompts repeat words a lot.
  private let cache = Mutex<[String: [Int32]]>([:])

  /// - Parameters:
  ///   - merges: GGUF's `tokenizer.ggml.merges`, "left right" per line, best first.
  public init(vocabulary: TokenVocabulary, merges: [String], preTokenizer: BPEPreTokenizer) throws {
    self.vocabulary = vocabulary
    self.preTokenizer = preTokenizer
    var ranks: [String: Int] = [:]
    ranks.reserveCapacity(merges.count)
    for (rank, merge) in merges.enumerated() {
      guard merge.split(separator: " ", omittingEmptySubsequences: false).count == 2 else {
        throw TokenizerError.invalid("merge \(rank) '\(merge)' is not two symbols separated by a space")
      }
      if ranks[merge] == nil { ranks[merge] = rank }
    }
    self.ranks = ranks
    plainSplitter = SpecialTokenSplitter(vocabulary.literalTokens(parseSpecial: false))
    specialSplitter = SpecialTokenSplitter(vocabulary.literalTokens(parseSpecial: true))
  }

  /// Token ids of `text`.
  ///
  /// - Parameters:
  ///   - addSpecial: Add BOS (and EOS) as the model's metadata asks.
  ///   - parseSpecial: Read control tokens written in the text (`<|im_start|>`) as those tokens;
  ///     chat templates need it, user text should not get it.
  public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int32] {
    var ids: [Int32] = []
    if addSpecial, vocabulary.addBOS, let bos = vocabulary.bosID { ids.append(bos) }
    for segment in (parseSpecial ? specialSplitter : plainSplitter).split(text) {
      switch segment {
      case .token(let id): ids.append(id)
      case .text(let plain):
        for word in preTokenizer.split(plain) { ids += encodeWord(String(word)) }
      }
    }
    if addSpecial, vocabulary.addEOS, let eos = vocabulary.eosID { ids.append(eos) }
    return ids
  }

  /// The bytes token `id` stands for; control tokens give none unless `renderSpecial`.
  public func bytes(of id: Int32, renderSpecial: Bool = false) -> [UInt8] {
    guard id >= 0, Int(id) < vocabulary.count else { return [] }
    switch vocabulary.type(id) {
    case .control, .unknown, .unused: return renderSpecial ? Array(vocabulary.tokens[Int(id)].utf8) : []
    case .userDefined: return Array(vocabulary.tokens[Int(id)].utf8)
    default: return ByteLevelAlphabet.decode(vocabulary.tokens[Int(id)])
    }
  }

  /// The text of `ids` (invalid UTF-8 from a cut-off sequence is replaced).
  public func decode(_ ids: [Int32], renderSpecial: Bool = false) -> String {
    String(decoding: ids.flatMap { bytes(of: $0, renderSpecial: renderSpecial) }, as: UTF8.self)
  }

  func encodeWord(_ word: String) -> [Int32] {
    if let cached = cache.withLock({ $0[word] }) { return cached }
    let ids = merge(ByteLevelAlphabet.encode(word.utf8))
    cache.withLock { table in
      // Bound the cache: long generated texts would otherwise grow it without end.
      if table.count > 50_000 { table.removeAll(keepingCapacity: true) }
      table[word] = ids
    }
    return ids
  }

  /// Applies the merges to one word written in the byte-level alphabet.
  private func merge(_ word: String) -> [Int32] {
    // Llama 3 takes a word that is itself a token whole, without merging ("ignore_merges").
    if let whole = vocabulary.idOf[word], word.unicodeScalars.count == 1 || preTokenizer == .llama3 { return [whole] }
    var symbols = word.unicodeScalars.map { String($0) }
    while symbols.count > 1 {
      var best: (rank: Int, index: Int)?
      for i in 0..<(symbols.count - 1) {
        if let rank = ranks[symbols[i] + " " + symbols[i + 1]], rank < (best?.rank ?? Int.max) {
          best = (rank, i)
        }
      }
      guard let best else { break }
      // Merge every occurrence of the best pair, left to right, as the reference does.
      let left = symbols[best.index]
      let right = symbols[best.index + 1]
      var merged: [String] = []
      merged.reserveCapacity(symbols.count)
      var i = 0
      while i < symbols.count {
        if i + 1 < symbols.count, symbols[i] == left, symbols[i + 1] == right {
          merged.append(left + right)
          i += 2
        } else {
          merged.append(symbols[i])
          i += 1
        }
      }
      symbols = merged
    }
    return symbols.flatMap { symbol -> [Int32] in
      if let id = vocabulary.idOf[symbol] { return [id] }
      // Not in the vocabulary (should not happen with a complete byte alphabet): fall back to
      // one token per byte, or the unknown token.
      return symbol.unicodeScalars.compactMap { vocabulary.idOf[String($0)] ?? vocabulary.unknownID }
    }
  }
}
