import Foundation
import TwinCore
import TwinGGUF
import TwinLLM
import TwinModelStore

/// Loads a GGUF language model by name (from `twin models list`) or path, with its tokenizer and
/// chat template.
struct LoadedLLM {
  var name: String
  var generator: TextGenerator
  var tokenizer: LLMTokenizer
  var template: ChatTemplate

  init(_ nameOrPath: String, contextLength: Int = 4096) throws {
    let resolved = try ModelsCommand.store().resolve(nameOrPath)
    guard resolved.url.pathExtension.lowercased() == "gguf" else {
      throw TwinError.invalidInput("\(nameOrPath) is not a GGUF language model (\(resolved.url.path))")
    }
    let file = try GGUFFile(url: resolved.url)
    tokenizer = try LLMTokenizer.load(from: file)
    let jinja = file.contains(key: "tokenizer.chat_template") ? try file.string("tokenizer.chat_template") : nil
    template = try ChatTemplate.detect(jinja: jinja)
    generator = TextGenerator(model: try DecoderModels.load(file), tokenizer: tokenizer, contextLength: contextLength)
    name = resolved.name ?? resolved.url.lastPathComponent
  }
}
