import Foundation
import Synchronization
import Hummingbird
import TwinCore
import TwinLLM
import TwinOpenAI

/// The OpenAI-compatible API of `twin serve llm`: chat and text completions (streamed over
/// server-sent events when asked), embeddings, the model list, health and metrics.
struct LLMRoutes: Sendable {
  let model: LocalLanguageModel
  /// The names requests may give the model by (its id, and the name it was asked for).
  let names: Set<String>
  let embedder: (any TextEmbedder)?
  let queue: PermitQueue
  let metrics: ServerMetrics
  /// The longest a request may run, queueing included.
  let timeoutSeconds: Double
  let started = Int(Date().timeIntervalSince1970)

  /// Every path the LLM server answers and its methods (for 404 and 405 replies).
  static let table: [String: [String]] = [
    "/v1/chat/completions": ["POST"], "/v1/completions": ["POST"], "/v1/embeddings": ["POST"],
    "/v1/models": ["GET"], "/health": ["GET"], "/metrics": ["GET"],
  ]

  func register(on router: Router<BasicRequestContext>) {
    router.post("/v1/chat/completions") { request, _ in try await chat(request) }
    router.post("/v1/completions") { request, _ in try await textCompletion(request) }
    router.post("/v1/embeddings") { request, _ in try await embeddings(request) }
    router.get("/v1/models") { _, _ in try models() }
  }

  // MARK: Chat

  func chat(_ http: Request) async throws -> Response {
    let body = try await HTTPJSON.decode(OpenAIWire.ChatRequest.self, from: http, fields: .chatCompletions)
    let request: CompletionRequest
    let choices: Int
    do {
      let messages = try Self.messages(body.messages)
      guard !messages.isEmpty else { return HTTPJSON.error(.badRequest, "messages must not be empty") }
      request = try Self.options(body, messages: messages)
      choices = try Self.choices(body.n, streaming: body.stream == true)
    } catch let error as LanguageModelError {
      return HTTPJSON.error(.badRequest, "\(error)")
    }
    if let name = body.model, !name.isEmpty, !names.contains(name) {
      return HTTPJSON.error(.notFound, "model '\(name)' is not served here (this server has \(model.modelID))", type: "not_found_error")
    }
    let id = "chatcmpl-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let model = model
    if body.stream == true {
      return await stream(id: id, includeUsage: body.streamOptions?.includeUsage == true) { onText in
        try await model.complete(request, onText: onText)
      } chunk: { piece, finish in
        OpenAIWire.ChatChunk(
          id: id, model: model.modelID,
          choices: [.init(index: 0, delta: .init(role: piece == nil && finish == nil ? "assistant" : nil, content: piece), finishReason: finish)],
          usage: nil)
      } usage: { completion in
        OpenAIWire.ChatChunk(id: id, model: model.modelID, choices: [], usage: Self.usage([completion]))
      } calls: { completion in
        Self.callChunks(completion.toolCalls ?? []).map { delta in
          OpenAIWire.ChatChunk(id: id, model: model.modelID, choices: [.init(index: 0, delta: delta, finishReason: nil)], usage: nil)
        }
      }
    }
    let logprobs = body.logprobs == true ? body.topLogprobs ?? 0 : nil
    if let top = body.topLogprobs {
      do { try CompletionLimits.check(top, in: CompletionLimits.topLogprobs, field: "top_logprobs") } catch {
        return HTTPJSON.error(.badRequest, "\(error)")
      }
    }
    return try await admitted {
      let generated = try await Self.generate(choices, request) { request -> (Completion, OpenAIWire.Logprobs?) in
        if let top = logprobs {
          let (result, tokens) = try await model.completeWithLogprobs(request, top: top)
          return (result, OpenAIWire.Logprobs(content: tokens.map { Self.entry($0, tokenizer: model.tokenizer) }))
        }
        return (try await model.complete(request, onText: nil), nil)
      }
      return try HTTPJSON.response(
        OpenAIWire.ChatResponse(
          id: id, object: "chat.completion", created: Int(Date().timeIntervalSince1970), model: model.modelID,
          choices: generated.enumerated().map { index, choice in
            .init(
              index: index, message: Self.reply(choice.0), finishReason: choice.0.finishReason.rawValue,
              logprobs: choice.1)
          },
          usage: Self.usage(generated.map(\.0))))
    }
  }

  /// The port's conversation for the request's messages: roles checked, tool calls and
  /// results carried over.
  static func messages(_ wire: [OpenAIWire.Message]) throws(LanguageModelError) -> [ChatMessage] {
    var messages: [ChatMessage] = []
    for (i, m) in wire.enumerated() {
      guard let role = ChatMessage.Role(rawValue: m.role) else {
        throw .invalidRequest("messages[\(i)].role must be system, user, assistant or tool (got \(m.role))")
      }
      var message = ChatMessage(role: role, content: m.content ?? "")
      if let calls = m.toolCalls, !calls.isEmpty {
        guard role == .assistant else { throw .invalidRequest("messages[\(i)].tool_calls: only assistant turns call tools") }
        message.toolCalls = try calls.enumerated().map { j, call throws(LanguageModelError) in
          try call.call(at: "messages[\(i)].tool_calls[\(j)]")
        }
      }
      if role == .tool {
        guard let id = m.toolCallID, !id.isEmpty else {
          throw .invalidRequest("messages[\(i)].tool_call_id is required in a tool message")
        }
        message.toolCallID = id
      }
      messages.append(message)
    }
    return messages
  }

  /// A choice's message: its text, or its calls (with `content` null when there is no text).
  static func reply(_ completion: Completion) -> OpenAIWire.Message {
    let calls = completion.toolCalls ?? []
    return OpenAIWire.Message(
      role: "assistant", content: calls.isEmpty || !completion.text.isEmpty ? completion.text : nil,
      toolCalls: calls.isEmpty ? nil : calls.map { OpenAIWire.ToolCallValue($0) })
  }

  /// Streamed calls as OpenAI sends them: per call, a delta with its index, id and name, then
  /// one with its arguments.
  static func callChunks(_ calls: [ToolCall]) -> [OpenAIWire.ChatChunk.Delta] {
    calls.enumerated().flatMap { index, call -> [OpenAIWire.ChatChunk.Delta] in
      var named = OpenAIWire.ToolCallValue(call, index: index)
      named.function.arguments = ""
      var arguments = OpenAIWire.ToolCallValue(call, index: index)
      arguments.id = nil
      arguments.type = nil
      arguments.function.name = nil
      return [.init(role: nil, content: nil, toolCalls: [named]), .init(role: nil, content: nil, toolCalls: [arguments])]
    }
  }

  /// How many choices `n` asks for: 1 when absent; more only without streaming.
  static func choices(_ n: Int?, streaming: Bool) throws(LanguageModelError) -> Int {
    guard let n else { return 1 }
    try CompletionLimits.check(n, in: CompletionLimits.choices, field: "n")
    if n > 1 && streaming { throw .invalidRequest("n: more than one choice is not supported with stream") }
    return n
  }

  /// Generates `count` choices of `request` at once, so the engine decodes them as one batch.
  /// Each has its own sampling seed (the request's plus its index), so sampled choices differ.
  static func generate<Output: Sendable>(
    _ count: Int, _ request: CompletionRequest, _ work: @escaping @Sendable (CompletionRequest) async throws -> Output
  ) async throws -> [Output] {
    guard count > 1 else { return [try await work(request)] }
    return try await withThrowingTaskGroup(of: (Int, Output).self) { group in
      for index in 0..<count {
        var choice = request
        choice.seed = request.seed.map { $0 &+ UInt64(index) } ?? UInt64.random(in: 0...UInt64.max)
        group.addTask { (index, try await work(choice)) }
      }
      var outputs = [Output?](repeating: nil, count: count)
      for try await (index, output) in group { outputs[index] = output }
      return outputs.map { $0! }
    }
  }

  // MARK: Text completions

  struct TextRequest: Decodable {
    var model: String?
    var prompt: String
    var maxTokens: Int?
    var temperature: Double?
    var topP: Double?
    var seed: UInt64?
    var stop: OpenAIWire.StopList?
    var stream: Bool?
    var n: Int?
    var streamOptions: OpenAIWire.StreamOptions?
    enum CodingKeys: String, CodingKey {
      case model, prompt, temperature, seed, stop, stream, n
      case maxTokens = "max_tokens"
      case topP = "top_p"
      case streamOptions = "stream_options"
    }
  }

  struct TextResponse: Encodable {
    var id: String
    var object = "text_completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: OpenAIWire.Usage?
    struct Choice: Encodable {
      var index = 0
      var text: String
      var finishReason: String?
      enum CodingKeys: String, CodingKey {
        case index, text
        case finishReason = "finish_reason"
      }
    }
  }

  func textCompletion(_ http: Request) async throws -> Response {
    let body = try await HTTPJSON.decode(TextRequest.self, from: http, fields: .completions)
    let options = CompletionRequest(
      messages: [], maxTokens: body.maxTokens ?? 16, temperature: body.temperature ?? 1, topP: body.topP ?? 1,
      seed: body.seed, stop: body.stop?.values ?? [])
    let choices: Int
    do {
      try options.validate()
      choices = try Self.choices(body.n, streaming: body.stream == true)
    } catch { return HTTPJSON.error(.badRequest, "\(error)") }
    let id = "cmpl-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let model = model
    let prompt = body.prompt
    if body.stream == true {
      return await stream(id: id, includeUsage: body.streamOptions?.includeUsage == true) { onText in
        try await model.complete(prompt: prompt, options: options, onText: onText)
      } chunk: { piece, finish in
        TextResponse(
          id: id, created: Int(Date().timeIntervalSince1970), model: model.modelID,
          choices: [.init(text: piece ?? "", finishReason: finish)])
      } usage: { completion in
        TextResponse(
          id: id, created: Int(Date().timeIntervalSince1970), model: model.modelID, choices: [],
          usage: Self.usage([completion]))
      }
    }
    return try await admitted {
      let completions = try await Self.generate(choices, options) { options in
        try await model.complete(prompt: prompt, options: options, onText: nil)
      }
      return try HTTPJSON.response(
        TextResponse(
          id: id, created: Int(Date().timeIntervalSince1970), model: model.modelID,
          choices: completions.enumerated().map { .init(index: $0, text: $1.text, finishReason: $1.finishReason.rawValue) },
          usage: Self.usage(completions)))
    }
  }

  // MARK: Embeddings

  struct EmbeddingRequest: Decodable {
    var input: OpenAIWire.StopList
    var model: String?
  }

  struct EmbeddingResponse: Encodable {
    var object = "list"
    var data: [Item]
    var model: String
    var usage: Usage
    struct Item: Encodable {
      var object = "embedding"
      var index: Int
      var embedding: [Float]
    }
    struct Usage: Encodable {
      var promptTokens: Int
      var totalTokens: Int
      enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case totalTokens = "total_tokens"
      }
    }
  }

  func embeddings(_ http: Request) async throws -> Response {
    guard let embedder else { return HTTPJSON.error(.notFound, "this server has no embedding model", type: "not_found_error") }
    let body = try await HTTPJSON.decode(EmbeddingRequest.self, from: http)
    guard !body.input.values.isEmpty, body.input.values.count <= 2048 else {
      return HTTPJSON.error(.badRequest, "input must hold 1 to 2048 strings")
    }
    if let busy = await admit() { return busy }
    defer { Task { await queue.release() } }
    let vectors = try await embedder.embed(body.input.values)
    let tokens = body.input.values.reduce(0) { $0 + embedder.tokenCount($1) }
    metrics.embeddingInputs(body.input.values.count)
    return try HTTPJSON.response(
      EmbeddingResponse(
        data: vectors.enumerated().map { .init(index: $0, embedding: $1) }, model: embedder.modelID,
        usage: .init(promptTokens: tokens, totalTokens: tokens)))
  }

  // MARK: Models

  struct ModelList: Encodable {
    var object = "list"
    var data: [Item]
    struct Item: Encodable {
      var id: String
      var object = "model"
      var created: Int
      var ownedBy = "twin"
      enum CodingKeys: String, CodingKey {
        case id, object, created
        case ownedBy = "owned_by"
      }
    }
  }

  func models() throws -> Response {
    var items = [ModelList.Item(id: model.modelID, created: started)]
    if let embedder { items.append(.init(id: embedder.modelID, created: started)) }
    return try HTTPJSON.response(ModelList(data: items))
  }

  // MARK: Shared

  static func options(_ body: OpenAIWire.ChatRequest, messages: [ChatMessage]) throws -> CompletionRequest {
    let format: ResponseFormat
    switch body.responseFormat?.type {
    case nil, "text": format = .text
    case "json_object": format = .jsonObject
    case "json_schema":
      guard let schema = body.responseFormat?.jsonSchema?.schema else {
        throw LanguageModelError.invalidRequest("response_format json_schema needs json_schema.schema")
      }
      format = .jsonSchema(name: body.responseFormat?.jsonSchema?.name ?? "schema", schema: schema)
    case let other?: throw LanguageModelError.invalidRequest("response_format type \(other) is not supported")
    }
    var tools: [ToolDefinition] = []
    for (i, tool) in (body.tools ?? []).enumerated() { tools.append(try tool.definition(at: i)) }
    let request = CompletionRequest(
      messages: messages, maxTokens: body.maxCompletionTokens ?? body.maxTokens ?? 512,
      temperature: body.temperature ?? 1, topP: body.topP ?? 1,
      seed: body.seed, stop: body.stop?.values ?? [], responseFormat: format,
      presencePenalty: body.presencePenalty ?? 0, frequencyPenalty: body.frequencyPenalty ?? 0, tools: tools,
      // OpenAI's default: `auto` when tools are given, `none` otherwise.
      toolChoice: body.toolChoice?.choice ?? (tools.isEmpty ? .none : .auto),
      parallelToolCalls: body.parallelToolCalls ?? true)
    try request.validate()
    return request
  }

  /// A generated token as an OpenAI `logprobs` entry: its text, bytes and alternatives.
  static func entry(_ token: GeneratedToken, tokenizer: LLMTokenizer) -> OpenAIWire.Logprobs.Entry {
    func text(_ id: Int32) -> (String, [Int]) {
      let bytes = tokenizer.bytes(of: id)
      return (String(decoding: bytes, as: UTF8.self), bytes.map(Int.init))
    }
    let (string, bytes) = text(token.id)
    return .init(
      token: string, logprob: token.logprob, bytes: bytes,
      topLogprobs: token.topLogprobs.map { alternative in
        let (s, b) = text(alternative.id)
        return .init(token: s, logprob: alternative.logprob, bytes: b)
      })
  }

  /// The usage of the choices of one request: the prompt once, every choice's tokens.
  static func usage(_ choices: [Completion]) -> OpenAIWire.Usage {
    let prompt = choices.first?.promptTokens ?? 0
    let completion = choices.reduce(0) { $0 + $1.completionTokens }
    return OpenAIWire.Usage(
      promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion,
      cachedTokens: choices.first?.cachedPromptTokens)
  }

  /// Runs `work` once admitted, within the timeout; a full queue is a 429 with `Retry-After`.
  func admitted(_ work: @escaping @Sendable () async throws -> Response) async throws -> Response {
    if let busy = await admit() { return busy }
    let started = ContinuousClock.now
    defer { Task { await queue.release() } }
    do {
      let response = try await withTimeout(timeoutSeconds, work)
      metrics.llmRequest("ok", duration: .now - started)
      return response
    } catch let error as LanguageModelError {
      metrics.llmRequest("error")
      return HTTPJSON.error(error.category, "\(error)")
    } catch is TimedOut {
      metrics.llmRequest("timeout")
      return HTTPJSON.error(.timeout, "the request took over \(Int(timeoutSeconds)) s")
    }
  }

  /// Takes a turn in the admission queue; a 429 with `Retry-After` (counted as rejected) when
  /// it is full. Every generating route, streamed or not, and embeddings go through it.
  func admit() async -> Response? {
    do {
      try await queue.acquire()
      return nil
    } catch {
      metrics.llmRejected()
      return HTTPJSON.busy("the server is busy: try again shortly")
    }
  }

  /// A server-sent-event reply: one `data:` event per piece of text, a last one with the finish
  /// reason, then `data: [DONE]`. A client that disconnects stops the generation at the next
  /// token.
  func stream<Chunk: Encodable & Sendable>(
    id: String, includeUsage: Bool = false,
    run: @escaping @Sendable (@escaping @Sendable (String) -> Bool) async throws -> Completion,
    chunk: @escaping @Sendable (_ piece: String?, _ finish: String?) -> Chunk,
    usage: @escaping @Sendable (Completion) -> Chunk,
    calls: @escaping @Sendable (Completion) -> [Chunk] = { _ in [] }
  ) async -> Response {
    // Admitted before the 200 goes out, so a full queue is a plain 429 a client can retry.
    if let busy = await admit() { return busy }
    let queue = queue
    let timeout = timeoutSeconds
    let metrics = metrics
    let body = ResponseBody { writer in
      defer { Task { await queue.release() } }
      let (pieces, continuation) = AsyncStream<String>.makeStream()
      let gone = OneWayFlag()
      let generation = Task {
        defer { continuation.finish() }
        return try await withTimeout(timeout) {
          try await run { piece in
            continuation.yield(piece)
            return !gone.isSet
          }
        }
      }
      do {
        try await writer.write(Operations.event(chunk(nil, nil)))
        for await piece in pieces { try await writer.write(Operations.event(chunk(piece, nil))) }
        let completion = try await generation.value
        for call in calls(completion) { try await writer.write(Operations.event(call)) }
        try await writer.write(Operations.event(chunk(nil, completion.finishReason.rawValue)))
        // `stream_options.include_usage`: one more chunk, without choices, with the usage.
        if includeUsage { try await writer.write(Operations.event(usage(completion))) }
        try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
        metrics.llmRequest("ok")
      } catch {
        // The client went away (a failed write) or the generation failed: stop generating.
        gone.set()
        generation.cancel()
        metrics.llmRequest("aborted")
        try? await writer.write(Operations.event(["error": ["message": "\(error)", "type": "server_error"]]))
      }
      try await writer.finish(nil)
    }
    return Response(
      status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
  }
}

