import ArgumentParser
import Foundation
import TwinCore
import TwinLLM

/// `twin generate`: one completion from a native GGUF model, streamed as it is produced.
struct GenerateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Generate text with a native GGUF language model (SmolLM2 by default).",
    discussion: """
      The prompt is sent as one user turn through the model's chat template (--raw sends it as \
      is, for base models and completions). Tokens are printed as they are produced. With \
      --json-schema FILE the output is constrained, token by token, to compact JSON valid \
      against that schema. Pull models first: `twin models pull smollm2-135m-instruct`. \
      Ctrl-C stops at the next token.
      """)

  @Argument(help: "The prompt (- reads it from standard input).")
  var prompt: String

  @Option(name: .long, help: "A model name from `twin models list`, or a .gguf path.")
  var model = "smollm2-135m-instruct"

  @OptionGroup var sampling: SamplingOptions

  @Option(name: .long, help: "The most tokens to generate.")
  var maxTokens = 256

  @Option(name: .long, help: "Stop when this text appears (repeatable); it is not printed.")
  var stop: [String] = []

  @Option(name: .long, help: "Constrain the output to JSON valid against this JSON Schema file.")
  var jsonSchema: String?

  @Option(name: .long, help: "A system message to put before the prompt.")
  var system: String?

  @Flag(name: .long, help: "Send the prompt without the chat template.")
  var raw = false

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    try CompletionLimits.check(maxTokens, in: CompletionLimits.maxTokens, option: "--max-tokens")
  }

  func run() async throws {
    var text = prompt
    if text == "-" { text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
    let schema = try jsonSchema.map { path -> JSONSchema in
      guard let data = FileManager.default.contents(atPath: path) else {
        throw TwinError.notFound(kind: .file, name: path, hint: "the JSON schema")
      }
      do { return try JSONSchema(json: String(decoding: data, as: UTF8.self)) } catch let error as JSONSchemaError {
        throw TwinError.invalidInput("\(path): \(error)")
      }
    }
    let llm = try await AppContext.open(global: global, workspace: .none).languageModelContext(model)
    var messages: [ChatMessage] = []
    if let system { messages.append(ChatMessage(role: .system, content: system)) }
    messages.append(ChatMessage(role: .user, content: text))
    let rendered = raw ? text : llm.template.render(messages)
    let request = GenerationRequest(
      prompt: llm.tokenizer.encode(rendered, parseSpecial: !raw), maxTokens: maxTokens,
      sampling: try sampling.parameters(), stop: stop)
    var allowed: (@Sendable ([Int32]) -> Set<Int32>?)?
    if let schema {
      let constraint = JSONConstraint(schema: schema, tokenizer: llm.tokenizer)
      allowed = { generated in constraint.allowedTokens(after: generated) }
    }
    let streaming = !global.json
    let generator = TextGenerator(model: llm.model, tokenizer: llm.tokenizer)
    let result = try await Interruption.run { [allowed] in
      try await generator.generate(
        request, allowedTokens: allowed,
        onToken: { token in
          if streaming { FileHandle.standardOutput.write(Data(token.text.utf8)) }
        })
    }
    if global.json {
      return try Output.json(
        Result(
          model: llm.name, text: result.text, finishReason: result.finishReason.rawValue,
          promptTokens: result.promptTokens, completionTokens: result.tokens.count,
          prefillTokensPerSecond: Double(result.promptTokens) / max(result.prefillSeconds, 1e-9),
          decodeTokensPerSecond: Double(result.tokens.count) / max(result.decodeSeconds, 1e-9)))
    }
    FileHandle.standardOutput.write(Data("\n".utf8))
    Stderr.write(
      "[\(result.tokens.count) tokens, \(result.finishReason.rawValue); prefill \(result.promptTokens) tokens in "
        + String(format: "%.2f s, decode %.1f tokens/s]\n", result.prefillSeconds,
          Double(result.tokens.count) / max(result.decodeSeconds, 1e-9)))
  }

  struct Result: Encodable {
    var model: String
    var text: String
    var finishReason: String
    var promptTokens: Int
    var completionTokens: Int
    var prefillTokensPerSecond: Double
    var decodeTokensPerSecond: Double
  }
}

/// Sampling options shared by `twin generate` and `twin chat`.
struct SamplingOptions: ParsableArguments {
  @Option(name: .long, help: "Sampling temperature; 0 is greedy.")
  var temperature: Float = 0

  @Option(name: .long, help: "Keep only the K most likely tokens (0: all).")
  var topK = 40

  @Option(name: .long, help: "Nucleus sampling: keep the smallest set with this total probability.")
  var topP: Float = 0.95

  @Option(name: .long, help: "Drop tokens less likely than this fraction of the best one.")
  var minP: Float = 0.05

  @Option(name: .long, help: "Divide the logits of recently seen tokens by this (1: off).")
  var repeatPenalty: Float = 1

  @Option(name: .long, help: "The random seed, for reproducible sampling.")
  var seed: UInt64 = 0

  func parameters() throws -> SamplingParameters {
    let p = SamplingParameters(
      temperature: temperature, topK: topK, topP: topP, minP: minP, repetitionPenalty: repeatPenalty, seed: seed)
    do { try p.validate() } catch { throw ValidationError("\(error)") }
    return p
  }
}
