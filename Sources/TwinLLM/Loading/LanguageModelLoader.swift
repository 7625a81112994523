import Foundation
import TwinCore
import TwinGGUF

/// Loads a GGUF language model: the one path from a file to a ``LanguageModelContext``.
public enum LanguageModelLoader {
  /// Reads the GGUF file at `url`: its tokenizer from the metadata, the chat template it
  /// declares (or the family's), and the decoder of its architecture, with the GGUF LoRA
  /// adapter at `adapter` applied when given (a trained model).
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` when the file is not a GGUF file; the reader's,
  ///   tokenizer's or model's error naming what is wrong otherwise.
  public static func load(url: URL, name: String? = nil, adapter: URL? = nil) throws -> LanguageModelContext {
    guard url.pathExtension.lowercased() == "gguf" else {
      throw TwinError.invalidInput("\(name ?? url.lastPathComponent) is not a GGUF language model (\(url.path))")
    }
    // Every generated token streams the whole model from memory: huge pages read it faster.
    let file = try GGUFFile(url: url, residency: .hugePages)
    let tokenizer = try LLMTokenizer.load(from: file)
    let jinja = file.contains(key: "tokenizer.chat_template") ? try file.string("tokenizer.chat_template") : nil
    return LanguageModelContext(
      name: name ?? url.deletingPathExtension().lastPathComponent, model: try DecoderModels.load(file, adapter: try adapter.map { try GGUFFile(url: $0) }),
      tokenizer: tokenizer, template: try ChatTemplate.detect(jinja: jinja))
  }
}
