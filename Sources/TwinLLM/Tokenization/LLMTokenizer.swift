import TwinGGUF
import TwinTokenizers

/// The tokenizer a GGUF model describes: byte-level BPE or SentencePiece-style.
public enum LLMTokenizer: Sendable {
  case bytePairs(ByteLevelBPETokenizer)
  case sentencePiece(SentencePieceTokenizer)

  public var vocabulary: TokenVocabulary {
    switch self {
    case .bytePairs(let t): t.vocabulary
    case .sentencePiece(let t): t.vocabulary
    }
  }

  /// Token ids of `text`; see ``ByteLevelBPETokenizer/encode(_:addSpecial:parseSpecial:)``.
  public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int32] {
    switch self {
    case .bytePairs(let t): t.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial)
    case .sentencePiece(let t): t.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial)
    }
  }

  /// The bytes of one token, for streaming output a token at a time.
  public func bytes(of id: Int32, renderSpecial: Bool = false) -> [UInt8] {
    switch self {
    case .bytePairs(let t): t.bytes(of: id, renderSpecial: renderSpecial)
    case .sentencePiece(let t): t.bytes(of: id, renderSpecial: renderSpecial)
    }
  }

  public func decode(_ ids: [Int32], renderSpecial: Bool = false) -> String {
    String(decoding: ids.flatMap { bytes(of: $0, renderSpecial: renderSpecial) }, as: UTF8.self)
  }

  /// Whether `id` ends generation (EOS, or an end-of-turn marker).
  public func endsGeneration(_ id: Int32) -> Bool { vocabulary.endOfGenerationIDs.contains(id) }

  /// Builds the tokenizer from a model file's `tokenizer.ggml.*` metadata.
  ///
  /// - Throws: an error naming the key when it is missing or of the wrong type, or naming the
  ///   unsupported tokenizer model or pre-tokenizer.
  public static func load(from file: GGUFFile) throws -> LLMTokenizer {
    let model = try file.string("tokenizer.ggml.model")
    let tokens = try file.stringArray("tokenizer.ggml.tokens")
    let types = try file.contains(key: "tokenizer.ggml.token_type")
      ? file.intArray("tokenizer.ggml.token_type").map { TokenType(rawValue: Int32($0)) ?? .normal } : nil
    let scores = try file.contains(key: "tokenizer.ggml.scores") ? file.floatArray("tokenizer.ggml.scores") : nil
    func optionalID(_ key: String) throws -> Int32? {
      try file.contains(key: key) ? Int32(file.int(key)) : nil
    }
    func flag(_ key: String, default value: Bool) throws -> Bool {
      try file.contains(key: key) ? file.bool(key) : value
    }
    let isSentencePiece: Bool
    switch model {
    case "gpt2": isSentencePiece = false
    case "llama": isSentencePiece = true
    default:
      throw TokenizerError.invalid("tokenizer.ggml.model '\(model)' is not supported (gpt2 and llama are)")
    }
    // End-of-turn markers also end generation, as llama.cpp infers from the vocabulary.
    var endOfGeneration: Set<Int32> = []
    for marker in ["<|im_end|>", "<end_of_turn>", "<|eot_id|>", "<|endoftext|>", "<|end|>", "<eos>"] {
      if let i = tokens.firstIndex(of: marker) { endOfGeneration.insert(Int32(i)) }
    }
    if let eot = try optionalID("tokenizer.ggml.eot_token_id") { endOfGeneration.insert(eot) }
    let vocabulary = try TokenVocabulary(
      tokens: tokens, types: types, scores: scores, bosID: try optionalID("tokenizer.ggml.bos_token_id"),
      eosID: try optionalID("tokenizer.ggml.eos_token_id"), endOfGenerationIDs: endOfGeneration,
      unknownID: try optionalID("tokenizer.ggml.unknown_token_id"),
      addBOS: try flag("tokenizer.ggml.add_bos_token", default: isSentencePiece),
      addEOS: try flag("tokenizer.ggml.add_eos_token", default: false))
    if isSentencePiece {
      return .sentencePiece(
        SentencePieceTokenizer(
          vocabulary: vocabulary, addSpacePrefix: try flag("tokenizer.ggml.add_space_prefix", default: true)))
    }
    let pre = try BPEPreTokenizer(ggufName: file.contains(key: "tokenizer.ggml.pre") ? file.string("tokenizer.ggml.pre") : "gpt2")
    return .bytePairs(
      try ByteLevelBPETokenizer(vocabulary: vocabulary, merges: try file.stringArray("tokenizer.ggml.merges"), preTokenizer: pre))
  }
}
