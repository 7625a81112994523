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
    jsonLimits: JSONLengthLimits = JSONLengthLimits(),
    prefixCacheBytes: Int = ContinuousBatcher.defaultPrefixCacheBytes
  ) throws {
    self.init(
      try LanguageModelLoader.load(url: url, name: name), contextLength: contextLength, maxBatch: maxBatch,
      jsonLimits: jsonLimits, prefixCacheBytes: prefixCacheBytes)
  }

  /// Serves a loaded model.
  ///
  /// - Parameter prefixCacheBytes: The batcher's prompt-prefix cache (0 turns it off).
  public init(
    _ context: LanguageModelContext, contextLength: Int = 4096, maxBatch: Int = 16,
    jsonLimits: JSONLengthLimits = JSONLengthLimits(),
    prefixCacheBytes: Int = ContinuousBatcher.defaultPrefixCacheBytes
  ) {
    self.jsonLimits = jsonLimits
    template = context.template
    generator = TextGenerator(model: context.model, tokenizer: context.tokenizer, contextLength: contextLength)
    modelID = context.name
    trie = JSONConstraint.trie(for: context.tokenizer)
    batcher = ContinuousBatcher(
      model: context.model, tokenizer: context.tokenizer, contextLength: contextLength, maxBatch: maxBatch,
      prefixCacheBytes: prefixCacheBytes)
  }

  public var tokenizer: LLMTokenizer { generator.tokenizer }

  /// The prompt ids for a conversation, rendered through the chat template; `tools` (when
  /// any) are described in the system turn, and tool calls and results written in the format
  /// ``ToolPrompt`` documents.
  public func promptIDs(_ messages: [ChatMessage], tools: [ToolDefinition] = []) -> [Int32] {
    let turns = ToolPrompt.lower(messages, tools: tools, defaultSystem: template.defaultSystem)
    return tokenizer.encode(template.render(turns), addSpecial: !template.rendersBOS, parseSpecial: true)
  }

  /// The tools a request offers the model: none when `tool_choice` is `none`.
  static func offeredTools(_ request: CompletionRequest) -> [ToolDefinition] {
    request.toolChoice == .none ? [] : request.tools
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
      prompt: promptIDs(request.messages, tools: Self.offeredTools(request)), maxTokens: request.maxTokens, sampling: sampling,
      stop: request.stop + template.stopStrings)
  }

  /// The constraint a request asks for (tool calls, or its response format), or nil for free
  /// text.
  public func constraint(for request: CompletionRequest) throws -> (any TokenConstraint)? {
    let tools = try ToolCallFormat.callable(request)
    guard !tools.isEmpty else { return try constraint(for: request.responseFormat) }
    return ToolCallConstraint(
      tools: tools, free: request.toolChoice == .auto, parallel: request.parallelToolCalls, tokenizer: tokenizer,
      trie: trie, limits: jsonLimits)
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

  ///
  /// With tools, a reply whose calls all repeat calls already answered in this turn (same
  /// tool, same arguments) is generated again with `tool_choice: none`: small models tend to
  /// call a tool once more instead of reading its result, and an agent would loop.
  public func complete(
    _ request: CompletionRequest, onText: (@Sendable (String) -> Bool)?
  ) async throws -> Completion {
    let tools = !Self.offeredTools(request).isEmpty
    let reply = try await run(
      try generationRequest(request), constraint: try constraint(for: request), onText: onText, tools: tools)
    guard tools, ToolPrompt.repeatsAnsweredCalls(reply.toolCalls ?? [], in: request.messages) else { return reply }
    var answer = request
    answer.toolChoice = .none
    var again = try await run(try generationRequest(answer), constraint: nil, onText: onText)
    again.promptTokens += reply.promptTokens
    again.completionTokens += reply.completionTokens
    again.cachedPromptTokens = (again.cachedPromptTokens ?? 0) + (reply.cachedPromptTokens ?? 0)
    return again
  }

  /// A chat completion that also reports every generated token with its log-probability and
  /// its `top` most likely alternatives (OpenAI's `logprobs` and `top_logprobs`).
  public func completeWithLogprobs(_ request: CompletionRequest, top: Int) async throws -> (Completion, [GeneratedToken]) {
    var generation = try generationRequest(request)
    generation.topLogprobs = max(0, min(top, 20))
    let tokens = Synchronization.Mutex<[GeneratedToken]>([])
    let completion = try await run(
      generation, constraint: try constraint(for: request), onText: nil, tools: !Self.offeredTools(request).isEmpty,
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
  ///
  /// With `tools`, the reply is read for calls: `onText` receives only the text before the
  /// first call, and the completion carries the calls apart from its text.
  private func run(
    _ generation: GenerationRequest, constraint: (any TokenConstraint)?, onText: (@Sendable (String) -> Bool)?,
    tools: Bool = false, record: (@Sendable (GeneratedToken) -> Void)? = nil
  ) async throws -> Completion {
    let gate = tools ? onText.map(CallTextGate.init) : nil
    let onText = gate.map { gate in { @Sendable piece in gate.pass(piece) } } ?? onText
    guard generation.prompt.count < generator.contextLength else {
      throw LanguageModelError.invalidRequest(
        "the prompt has \(generation.prompt.count) tokens; the context holds \(generator.contextLength)")
    }
    let stoppedByCaller = OneWayFlag()
    var allowed: (@Sendable ([Int32]) -> Set<Int32>?)?
    if let constraint { allowed = { generated in constraint.mask(after: generated) } }
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
    gate?.finish()
    if tools {
      let (content, calls) = ToolCallParser.parse(result.text)
      var reason = stoppedByCaller.isSet ? .stop : result.finishReason.completionReason
      if !calls.isEmpty && reason == .stop { reason = .toolCalls }
      return Completion(
        text: content, finishReason: reason,
        promptTokens: result.promptTokens, completionTokens: result.tokens.count, model: modelID,
        toolCalls: calls.isEmpty ? nil : calls, cachedPromptTokens: result.cachedPromptTokens)
    }
    return Completion(
      text: result.text, finishReason: stoppedByCaller.isSet ? .stop : result.finishReason.completionReason,
      promptTokens: result.promptTokens, completionTokens: result.tokens.count, model: modelID,
      cachedPromptTokens: result.cachedPromptTokens)
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

/// Passes streamed text on up to where a call starts (held back while it may still be one)
/// and nothing after it: the calls are returned whole with the completion. A reply whose first
/// character opens a JSON object is a call from the start.
private final class CallTextGate: Sendable {
  private let forward: @Sendable (String) -> Bool
  private let filter = Mutex(StopStringFilter(ToolCallParser.openings))
  /// Leading whitespace, held until the first other character says whether a call starts.
  private let leading = Mutex<String?>("")
  private let calling = OneWayFlag()

  init(_ forward: @escaping @Sendable (String) -> Bool) { self.forward = forward }

  func pass(_ piece: String) -> Bool {
    guard !calling.isSet else { return true }
    // Until a character other than whitespace comes, everything is held: a `{` first makes
    // the whole reply a call.
    let text: String? = leading.withLock { held in
      guard let before = held else { return piece }
      let joined = before + piece
      guard let first = joined.first(where: { !$0.isWhitespace }) else {
        held = joined
        return nil
      }
      held = nil
      if first == "{" {
        calling.set()
        return nil
      }
      return joined
    }
    guard let text else { return true }
    let (release, stopped) = filter.withLock { $0.add(text) }
    if stopped { calling.set() }
    return release.isEmpty || forward(release)
  }

  /// Releases text held back at the end of a reply that called nothing.
  func finish() {
    guard !calling.isSet else { return }
    let rest = (leading.withLock { $0 } ?? "") + filter.withLock { $0.flush() }
    if !rest.isEmpty { _ = forward(rest) }
  }
}
