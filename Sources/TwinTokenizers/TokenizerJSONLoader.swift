import Foundation

/// Reads a Hugging Face `tokenizer.json` that describes a BERT WordPiece tokenizer.
///
/// Only the parts that change token ids are read. Components this package does not implement
/// are errors rather than ignored, because ignoring them would produce plausible but wrong ids.
/// The file's own truncation and padding settings are ignored on purpose: callers choose the
/// length (sentence-transformers overrides them the same way).
enum TokenizerJSONLoader {
  static func load(_ url: URL) throws -> WordPieceConfiguration {
    let path = url.path
    let data = try TokenizerFile.read(url)
    let root: [String: Any]
    do {
      guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw TokenizerError.invalidJSON(path: path, reason: "the top level is not an object")
      }
      root = object
    } catch let error as TokenizerError {
      throw error
    } catch {
      if looksTruncated(data) { throw TokenizerError.truncated(path: path) }
      throw TokenizerError.invalidJSON(path: path, reason: "\(error)")
    }

    guard let model = root["model"] as? [String: Any] else {
      throw TokenizerError.invalidJSON(path: path, reason: "no \"model\" object")
    }
    let modelType = model["type"] as? String
    // Files written before models were tagged have no "type"; WordPiece is the one model with
    // this field.
    guard modelType == "WordPiece" || (modelType == nil && model["max_input_chars_per_word"] != nil)
    else {
      throw TokenizerError.notWordPiece(path: path, modelType: modelType ?? "untyped")
    }
    guard let rawVocabulary = model["vocab"] as? [String: Any], !rawVocabulary.isEmpty else {
      throw TokenizerError.missingVocabulary(path: path)
    }
    var vocabulary: [String: Int32] = [:]
    vocabulary.reserveCapacity(rawVocabulary.count)
    for (token, value) in rawVocabulary {
      guard let id = value as? Int, let id32 = Int32(exactly: id), id32 >= 0 else {
        throw TokenizerError.invalidJSON(
          path: path, reason: "vocabulary id of \"\(token)\" is not a valid id")
      }
      vocabulary[token] = id32
    }

    var configuration = WordPieceConfiguration(
      normalizer: try normalizer(root["normalizer"], path: path), vocabulary: vocabulary)
    try checkPreTokenizer(root["pre_tokenizer"], path: path)
    if let unknown = model["unk_token"] as? String { configuration.unknownToken = unknown }
    if let prefix = model["continuing_subword_prefix"] as? String {
      configuration.continuingSubwordPrefix = prefix
    }
    if let maxChars = model["max_input_chars_per_word"] as? Int {
      configuration.maxInputCharsPerWord = maxChars
    }
    try readPostProcessor(root["post_processor"], into: &configuration, path: path)
    if let padding = root["padding"] as? [String: Any] {
      if let id = padding["pad_id"] as? Int { configuration.paddingID = Int32(exactly: id) }
      if let token = padding["pad_token"] as? String { configuration.paddingToken = token }
    }
    configuration.addedTokens = try addedTokens(root["added_tokens"], path: path)
    return configuration
  }

  /// A parse failure on a file that does not end with its closing brace is almost always an
  /// interrupted download; say so instead of quoting a parser message.
  private static func looksTruncated(_ data: Data) -> Bool {
    guard let last = data.last(where: { !" \t\r\n".utf8.contains($0) }) else { return true }
    return last != UInt8(ascii: "}")
  }

  private static func normalizer(_ value: Any?, path: String) throws -> BertNormalizer {
    guard let object = value as? [String: Any] else {
      if value == nil || value is NSNull { return .identity }
      throw TokenizerError.invalidJSON(path: path, reason: "\"normalizer\" is not an object")
    }
    let type = object["type"] as? String ?? "untyped"
    guard type == "BertNormalizer" else {
      throw TokenizerError.unsupported(path: path, component: "normalizer", type: type)
    }
    // Defaults are the reference's, for fields older files leave out.
    return BertNormalizer(
      cleanText: object["clean_text"] as? Bool ?? true,
      handleChineseChars: object["handle_chinese_chars"] as? Bool ?? true,
      stripAccents: object["strip_accents"] as? Bool,
      lowercase: object["lowercase"] as? Bool ?? true)
  }

  private static func checkPreTokenizer(_ value: Any?, path: String) throws {
    let type = (value as? [String: Any])?["type"] as? String ?? "none"
    guard type == "BertPreTokenizer" else {
      throw TokenizerError.unsupported(path: path, component: "pre-tokenizer", type: type)
    }
  }

  /// [CLS] and [SEP] come from the post-processor when there is one: a template's special
  /// tokens before and after the sequence, or BertProcessing's `cls`/`sep` pairs.
  private static func readPostProcessor(
    _ value: Any?, into configuration: inout WordPieceConfiguration, path: String
  ) throws {
    guard let object = value as? [String: Any] else { return }
    let type = object["type"] as? String ?? "untyped"
    switch type {
    case "BertProcessing", "RobertaProcessing":
      if let cls = object["cls"] as? [Any], let token = cls.first as? String,
        let id = cls.last as? Int
      {
        configuration.classifierToken = token
        configuration.classifierID = Int32(exactly: id)
      }
      if let sep = object["sep"] as? [Any], let token = sep.first as? String,
        let id = sep.last as? Int
      {
        configuration.separatorToken = token
        configuration.separatorID = Int32(exactly: id)
      }
    case "TemplateProcessing":
      guard let single = object["single"] as? [[String: Any]] else {
        throw TokenizerError.invalidJSON(
          path: path, reason: "TemplateProcessing has no \"single\" template")
      }
      let specials = object["special_tokens"] as? [String: Any] ?? [:]
      func special(_ piece: [String: Any]) -> (token: String, id: Int32?)? {
        guard let token = (piece["SpecialToken"] as? [String: Any])?["id"] as? String else {
          return nil
        }
        let ids = (specials[token] as? [String: Any])?["ids"] as? [Int]
        return (token, ids?.count == 1 ? Int32(exactly: ids![0]) : nil)
      }
      guard let sequence = single.firstIndex(where: { $0["Sequence"] != nil }),
        sequence == 1, single.count == 3,
        let before = special(single[0]), let after = special(single[2])
      else {
        throw TokenizerError.unsupported(
          path: path, component: "post-processor template", type: "not [CLS] $A [SEP]")
      }
      configuration.classifierToken = before.token
      configuration.classifierID = before.id
      configuration.separatorToken = after.token
      configuration.separatorID = after.id
    default:
      throw TokenizerError.unsupported(path: path, component: "post-processor", type: type)
    }
  }

  private static func addedTokens(_ value: Any?, path: String) throws -> [AddedToken] {
    guard let list = value as? [[String: Any]] else { return [] }
    return try list.map { entry in
      guard let content = entry["content"] as? String, let id = entry["id"] as? Int,
        let id32 = Int32(exactly: id)
      else {
        throw TokenizerError.invalidJSON(
          path: path, reason: "an added token lacks \"content\" or \"id\"")
      }
      let special = entry["special"] as? Bool ?? false
      return AddedToken(
        content: content.unicodeScalars.map(\.value), id: id32,
        singleWord: entry["single_word"] as? Bool ?? false,
        leftStrip: entry["lstrip"] as? Bool ?? false,
        rightStrip: entry["rstrip"] as? Bool ?? false,
        normalized: entry["normalized"] as? Bool ?? !special)
    }
  }
}
