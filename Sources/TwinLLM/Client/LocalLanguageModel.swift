import Foundation
import Synchronization
import TwinCore
import TwinGGUF

/// The in-process backend of the LLM port: a GGUF model run by Twin's own engine.
///
/// Concurrent calls share the model through a ``ContinuousBatcher``: their decode steps run
/// together, one batched forward pass per step, on the batcher's own thread (off Swift's
/// cooperative pool).
public final class LocalLanguageModel: LanguageModelClient {
  public let modelID: String
  public let generator: TextGenerator
  public let template: ChatTemplate
  private let trie: TokenTrie
  /// Runs every generation of this model.
  public let batcher: ContinuousBatcher
  /// The bounds of JSON strings and keys a schema leaves open.
  public let jsonLimits: JSONLengthLimits

  /// Loads the GGUF file at `url`, its tokenizer and its chat template.
  public convenience init(
    url: URL, name: String? = nil, contextLength: Int = 4096, maxBatch: Int = 16,
    jsonLimits: JSONLengthLimits = JSONLengthLimits()
  ) throws {
    self.init(
      try LanguageModelLoader.load(url: url, name: name), contextLength: contextLength, maxBatch: maxBatch,
      jsonLimits: jsonLimits)
  }

  /// Serves a loaded model.
  public init(
    _ context: LanguageModelContext, contextLength: Int = 4096, maxBatch: Int = 16,
    jsonLimits: JSONLengthLimits = JSONLengthLimits()
  ) {
    self.jsonLimits = jsonLimits
    template = context.template
    generator = TextGenerator(model: context.model, tokenizer: context.tokenizer, contextLength: contextLength)
    modelID = context.name
    trie = JSONConstraint.trie(for: context.tokenizer)
    batcher = ContinuousBatcher(
      model: context.model, tokenizer: context.tokenizer, contextLength: contextLength, maxBatch: maxBatch)
  }

  public var tokenizer: LLMTokenizer { generator.tokenizer }

  /// The prompt ids for a conversation, rendered through the chat template.
  public func promptIDs(_ messages: [ChatMessage]) -> [Int32] {
    tokenizer.encode(template.render(messages), addSpecial: !template.rendersBOS, parseSpecial: true)
  }

  /// The engine's request for a port request: template, sampling, stop strings.
  public func generationRequest(_ request: CompletionRequest) throws -> GenerationRequest {
    guard !request.messages.isEmpty else { throw LanguageModelError.invalidRequest("no messages") }
    try request.validate()
    let sampling = SamplingParameters(
      temperature: Float(request.temperature), topK: request.temperature == 0 ? 1 : 40, topP: Float(request.topP),
      minP: request.temperature == 0 ? 0 : 0.05, presencePenalty: Float(request.presencePenalty),
      frequencyPenalty: Float(request.frequencyPenalty),
      // OpenAI semantics: the penalties look at everything generated, and only at that.
      penaltyWindow: request.maxTokens, penalizesPrompt: false, seed: request.seed ?? 0)
    do { try sampling.validate() } catch { throw LanguageModelError.invalidRequest("\(error)") }
    return GenerationRequest(
      prompt: promptIDs(request.messages), maxTokens: request.maxTokens, sampling: sampling,
      stop: request.stop + template.stopStrings)
  }

  /// The constraint a response format asks for, or nil for free text.
  public func constraint(for format: ResponseFormat) throws -> JSONConstraint? {
    let schema: JSONSchema
    switch format {
    case .text: return nil
    case .jsonObject: schema = .object(properties: [], required: [], additional: .any)
    case .jsonSchema(let name, let value):
      do { schema = try JSONSchema(json: value.canonicalJSON) } catch {
        throw LanguageModelError.invalidRequest("response_format schema '\(name)': \(error)")
      }
    }
    return JSONConstraint(schema: schema, tokenizer: tokenizer, trie: trie, limits: jsonLimits)
  }

  public func complete(
    _ request: CompletionRequest, onText: (@Sendable (String) -> Bool)?
  ) async throws -> Completion {
    try await run(try generationRequest(request), constraint: try constraint(for: request.responseFormat), onText: onText)
  }

  /// A chat completion that also reports every generated token with its log-probability and
  /// its `top` most likely alternatives (OpenAI's `logprobs` and `top_logprobs`).
  public func completeWithLogprobs(_ request: CompletionRequest, top: Int) async throws -> (Completion, [GeneratedToken]) {
    var generation = try generationRequest(request)
    generation.topLogprobs = max(0, min(top, 20))
    let tokens = Synchronization.Mutex<[GeneratedToken]>([])
    let completion = try await run(
      generation, constraint: try constraint(for: request.responseFormat), onText: nil,
      record: { token in tokens.withLock { $0.append(token) } })
    return (completion, tokens.withLock { $0 })
  }

  /// A plain-text completion of `prompt`, without the chat template (OpenAI's `/v1/completions`).
  public func complete(
    prompt: String, options request: CompletionRequest, onText: (@Sendable (String) -> Bool)?
  ) async throws -> Completion {
    guard !prompt.isEmpty else { throw LanguageModelError.invalidRequest("the prompt is empty") }
    var generation = try generationRequest(
      CompletionRequest(
        messages: [.user(prompt)], maxTokens: request.maxTokens, temperature: request.temperature, topP: request.topP,
        seed: request.seed, presencePenalty: request.presencePenalty, frequencyPenalty: request.frequencyPenalty))
    generation.prompt = tokenizer.encode(prompt)
    generation.stop = request.stop
    return try await run(generation, constraint: try constraint(for: request.responseFormat), onText: onText)
  }

  /// Runs one generation in the model's batch; task cancellation stops it at the next token.
  private func run(
    _ generation: GenerationRequest, constraint: JSONConstraint?, onText: (@Sendable (String) -> Bool)?,
    record: (@Sendable (GeneratedToken) -> Void)? = nil
  ) async throws -> Completion {
    guard generation.prompt.count < generator.contextLength else {
      throw LanguageModelError.invalidRequest(
        "the prompt has \(generation.prompt.count) tokens; the context holds \(generator.contextLength)")
    }
    let stoppedByCaller = OneWayFlag()
    var allowed: (@Sendable ([Int32]) -> Set<Int32>?)?
    if let constraint { allowed = { generated in constraint.allowedTokens(after: generated) } }
    let forward: @Sendable (GeneratedToken) -> Bool = { token in
      if token.id >= 0 { record?(token) }
      guard !token.text.isEmpty, let onText else { return true }
      if onText(token.text) { return true }
      stoppedByCaller.set()
      return false
    }
    let result = try await batcher.generate(generation, allowedTokens: allowed, onToken: forward)
    if let constraint, !constraint.isComplete, result.finishReason != .length, result.finishReason != .cancelled,
      !stoppedByCaller.isSet
    {
      // The schema left no way on (a stop string, or limits the model boxed itself into):
      // never hand back a document that does not parse as if it were complete.
      throw LanguageModelError.malformedReply(
        "the JSON reply ended before it was complete (\(result.tokens.count) tokens): \(result.text.prefix(200))")
    }
    return Completion(
      text: result.text, finishReason: stoppedByCaller.isSet ? .stop : result.finishReason.completionReason,
      promptTokens: result.promptTokens, completionTokens: result.tokens.count, model: modelID)
  }
}

extension FinishReason {
  /// The LLM port's reason (the OpenAI API's vocabulary) for this one.
  public var completionReason: Completion.FinishReason {
    switch self {
    case .endOfSequence, .stop: .stop
    case .length: .length
    case .cancelled: .cancelled
    }
  }
}
