import Foundation
import Testing
import TwinTokenizers

/// Loading errors name the file and the problem; small hand-written files pin the settings.
@Suite struct WordPieceLoadingTests {
  let directory: URL

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "twin-wordpiece-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  private func write(_ name: String, _ contents: String) throws -> URL {
    let url = directory.appendingPathComponent(name)
    try contents.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  /// A minimal BERT tokenizer.json; `model`, `normalizer` and the rest can be replaced.
  private func tokenizerJSON(
    model: String? = nil, normalizer: String? = nil, preTokenizer: String? = nil,
    postProcessor: String? = nil,
    addedTokens: String = "[]"
  ) -> String {
    let vocabulary =
      ###"{"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4, "un": 5, "##aff": 6, "##able": 7, "é": 8, "!": 9}"###
    return """
      {"version": "1.0", "truncation": null, "padding": null, "added_tokens": \(addedTokens),
       "normalizer": \(normalizer ?? #"{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true}"#),
       "pre_tokenizer": \(preTokenizer ?? #"{"type": "BertPreTokenizer"}"#),
       "post_processor": \(postProcessor ?? #"{"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]}"#),
       "decoder": null,
       "model": \(model ?? ###"{"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": \###(vocabulary)}"###)}
      """
  }

  @Test func loadsAMinimalTokenizerJSON() throws {
    let tokenizer = try WordPieceTokenizer(tokenizerJSON: write("tokenizer.json", tokenizerJSON()))
    #expect(tokenizer.vocabularySize == 10)
    #expect(
      tokenizer.clsID == 2 && tokenizer.sepID == 3 && tokenizer.padID == 0 && tokenizer.unkID == 1)
    #expect(
      tokenizer.encode("UNAFFABLE! unable xyz", maxLength: nil) == [2, 5, 6, 7, 9, 5, 7, 1, 3])
    // Accents are stripped when strip_accents is null and lowercase is true: "É" → "e", unknown.
    #expect(tokenizer.tokens("É") == ["[UNK]"])
    #expect(tokenizer.encode("", maxLength: nil) == [2, 3])
  }

  @Test func honoursNormalizerFlags() throws {
    let keepAccents = tokenizerJSON(
      normalizer:
        #"{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": false, "lowercase": true}"#
    )
    let tokenizer = try WordPieceTokenizer(tokenizerJSON: write("accents.json", keepAccents))
    #expect(tokenizer.tokens("É") == ["é"])
    let cased = tokenizerJSON(
      normalizer:
        #"{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": false}"#
    )
    #expect(
      try WordPieceTokenizer(tokenizerJSON: write("cased.json", cased)).tokens("UN un") == [
        "[UNK]", "un",
      ])
  }

  @Test func readsTemplateProcessingAndAddedTokenOptions() throws {
    let template = #"""
      {"type": "TemplateProcessing",
       "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
       "pair": [], "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}}
      """#
    let added = #"""
      [{"id": 4, "content": "[MASK]", "single_word": false, "lstrip": true, "rstrip": false, "normalized": false, "special": true},
       {"id": 10, "content": "Able", "single_word": true, "lstrip": false, "rstrip": false, "normalized": true, "special": false}]
      """#
    let tokenizer = try WordPieceTokenizer(
      tokenizerJSON: write(
        "template.json", tokenizerJSON(postProcessor: template, addedTokens: added)))
    #expect(tokenizer.encode("un [MASK]!", maxLength: nil) == [2, 5, 4, 9, 3])
    #expect(tokenizer.vocabularySize == 11)
    // A normalised added token matches the normalised text, but only as a whole word.
    #expect(tokenizer.encode("ABLE unable", maxLength: nil) == [2, 10, 5, 7, 3])
  }

  @Test func readsVocabTXT() throws {
    let url = try write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\r\n[MASK]\nun\n##aff\n##able\n")
    let tokenizer = try WordPieceTokenizer(vocabTXT: url)
    #expect(tokenizer.vocabularySize == 8)
    #expect(tokenizer.sepID == 3)
    #expect(tokenizer.encode("Unaffable [MASK] xyz", maxLength: nil) == [2, 5, 6, 7, 4, 1, 3])
    let cased = try WordPieceTokenizer(vocabTXT: url, lowercase: false)
    #expect(cased.tokens("Un un") == ["[UNK]", "un"])
  }

  @Test func missingFilesNameThePath() {
    let missing = directory.appendingPathComponent("nope/tokenizer.json")
    #expect(throws: TokenizerError.fileNotFound(path: missing.path)) {
      try WordPieceTokenizer(tokenizerJSON: missing)
    }
    #expect(throws: TokenizerError.fileNotFound(path: missing.path)) {
      try WordPieceTokenizer(vocabTXT: missing)
    }
    #expect("\(TokenizerError.fileNotFound(path: missing.path))".contains(missing.path))
    #expect(throws: TokenizerError.self) { try WordPieceTokenizer(tokenizerJSON: directory) }
  }

  @Test func truncatedAndInvalidJSONAreTold() throws {
    let full = tokenizerJSON()
    let truncated = try write("truncated.json", String(full.prefix(full.count / 2)))
    #expect(throws: TokenizerError.truncated(path: truncated.path)) {
      try WordPieceTokenizer(tokenizerJSON: truncated)
    }
    let invalid = try write("invalid.json", "{\"model\": nope}")
    let error = #expect(throws: TokenizerError.self) {
      try WordPieceTokenizer(tokenizerJSON: invalid)
    }
    guard case .invalidJSON(let path, _) = error else {
      Issue.record("expected invalidJSON, got \(String(describing: error))")
      return
    }
    #expect(path == invalid.path)
    let array = try write("array.json", "[1, 2]")
    #expect(
      throws: TokenizerError.invalidJSON(path: array.path, reason: "the top level is not an object")
    ) {
      try WordPieceTokenizer(tokenizerJSON: array)
    }
    let empty = try write("empty.json", "")
    #expect(throws: TokenizerError.truncated(path: empty.path)) {
      try WordPieceTokenizer(tokenizerJSON: empty)
    }
  }

  @Test func rejectsOtherModelsAndComponents() throws {
    let bpe = try write(
      "bpe.json", tokenizerJSON(model: #"{"type": "BPE", "vocab": {"a": 0}, "merges": []}"#))
    #expect(throws: TokenizerError.notWordPiece(path: bpe.path, modelType: "BPE")) {
      try WordPieceTokenizer(tokenizerJSON: bpe)
    }
    #expect(
      "\(TokenizerError.notWordPiece(path: bpe.path, modelType: "BPE"))".contains(
        "not a WordPiece model"))
    let noVocabulary = try write(
      "novocab.json",
      tokenizerJSON(model: #"{"type": "WordPiece", "unk_token": "[UNK]", "vocab": {}}"#))
    #expect(throws: TokenizerError.missingVocabulary(path: noVocabulary.path)) {
      try WordPieceTokenizer(tokenizerJSON: noVocabulary)
    }
    let noUnknown = try write(
      "nounk.json",
      tokenizerJSON(
        model: #"{"type": "WordPiece", "unk_token": "<unk>", "vocab": {"[CLS]": 0, "[SEP]": 1}}"#))
    #expect(throws: TokenizerError.missingToken(path: noUnknown.path, token: "<unk>")) {
      try WordPieceTokenizer(tokenizerJSON: noUnknown)
    }
    let lowercaseOnly = try write(
      "lower.json", tokenizerJSON(normalizer: #"{"type": "Lowercase"}"#))
    #expect(
      throws: TokenizerError.unsupported(
        path: lowercaseOnly.path, component: "normalizer", type: "Lowercase")
    ) {
      try WordPieceTokenizer(tokenizerJSON: lowercaseOnly)
    }
    let whitespace = try write("ws.json", tokenizerJSON(preTokenizer: #"{"type": "Whitespace"}"#))
    #expect(
      throws: TokenizerError.unsupported(
        path: whitespace.path, component: "pre-tokenizer", type: "Whitespace")
    ) {
      try WordPieceTokenizer(tokenizerJSON: whitespace)
    }
    let emptyVocab = try write("empty.txt", "")
    #expect(throws: TokenizerError.missingVocabulary(path: emptyVocab.path)) {
      try WordPieceTokenizer(vocabTXT: emptyVocab)
    }
    let noSeparator = try write("nosep.txt", "[PAD]\n[UNK]\n[CLS]\n")
    #expect(throws: TokenizerError.missingToken(path: noSeparator.path, token: "[SEP]")) {
      try WordPieceTokenizer(vocabTXT: noSeparator)
    }
  }
}
