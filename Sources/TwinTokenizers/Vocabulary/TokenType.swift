/// The role of a vocabulary entry, as GGUF's `tokenizer.ggml.token_type` records it.
public enum TokenType: Int32, Sendable, Hashable {
  case undefined = 0
  case normal = 1
  case unknown = 2
  /// BOS, EOS, chat-turn markers: only produced from text when special tokens are parsed.
  case control = 3
  /// Added by the model's authors; always matched literally in text.
  case userDefined = 4
  case unused = 5
  /// `<0xAB>`: one raw byte, for SentencePiece's byte fallback.
  case byte = 6
}

/// A model's vocabulary as GGUF stores it: token strings, optional scores and types, and the
/// special ids.
public struct TokenVocabulary: Sendable {
  public let tokens: [String]
  public let types: [TokenType]
  public let scores: [Float]
  public let idOf: [String: Int32]
  public let bosID: Int32?
  public let eosID: Int32?
  /// Extra ids that also end generation (Gemma's `<end_of_turn>`, Llama 3's `<|eot_id|>`).
  public let endOfGenerationIDs: Set<Int32>
  public let unknownID: Int32?
  public let addBOS: Bool
  public let addEOS: Bool

  public init(
    tokens: [String], types: [TokenType]? = nil, scores: [Float]? = nil, bosID: Int32?, eosID: Int32?,
    endOfGenerationIDs: Set<Int32> = [], unknownID: Int32? = nil, addBOS: Bool, addEOS: Bool = false
  ) throws {
    guard !tokens.isEmpty else { throw TokenizerError.invalid("the vocabulary is empty") }
    if let types, types.count != tokens.count {
      throw TokenizerError.invalid("\(types.count) token types for \(tokens.count) tokens")
    }
    if let scores, scores.count != tokens.count {
      throw TokenizerError.invalid("\(scores.count) token scores for \(tokens.count) tokens")
    }
    for (name, id) in [("BOS", bosID), ("EOS", eosID), ("UNK", unknownID)] {
      if let id, !(0..<Int32(tokens.count)).contains(id) {
        throw TokenizerError.invalid("\(name) id \(id) is outside the vocabulary of \(tokens.count)")
      }
    }
    self.tokens = tokens
    self.types = types ?? Array(repeating: .normal, count: tokens.count)
    self.scores = scores ?? Array(repeating: 0, count: tokens.count)
    var idOf: [String: Int32] = [:]
    idOf.reserveCapacity(tokens.count)
    // The first occurrence wins, as in llama.cpp, for vocabularies with duplicate strings.
    for (i, token) in tokens.enumerated() where idOf[token] == nil { idOf[token] = Int32(i) }
    self.idOf = idOf
    self.bosID = bosID
    self.eosID = eosID
    self.endOfGenerationIDs = endOfGenerationIDs.union(eosID.map { [$0] } ?? [])
    self.unknownID = unknownID
    self.addBOS = addBOS
    self.addEOS = addEOS
  }

  public var count: Int { tokens.count }

  public func type(_ id: Int32) -> TokenType { types[Int(id)] }

  /// Tokens matched literally in the input before tokenizing: user-defined ones always,
  /// control ones only when special tokens are parsed (as llama.cpp does).
  func literalTokens(parseSpecial: Bool) -> [(text: String, id: Int32)] {
    var out: [(String, Int32)] = []
    for (i, type) in types.enumerated() {
      let token = tokens[i]
      guard !token.isEmpty else { continue }
      if type == .userDefined || (parseSpecial && type == .control) { out.append((token, Int32(i))) }
    }
    return out
  }
}
