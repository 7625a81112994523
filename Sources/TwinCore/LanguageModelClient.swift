import Foundation

/// The LLM port: everything in Twin that needs a language model (RAG answers, self-query, query
/// expansion, and later dataset generation and judging) asks through this one interface.
///
/// Adapters: the in-process GGUF engine (`LocalLanguageModel` in TwinLLM) and any
/// OpenAI-compatible server (`OpenAICompatibleClient` in TwinOpenAI: `twin serve llm`, vLLM,
/// TGI, llama.cpp's server, Ollama, OpenAI). Configuration picks one (`llm.backend`).
public protocol LanguageModelClient: Sendable {
  /// The model's name, recorded with every trace span that used it.
  var modelID: String { get }

  /// Generates one assistant turn for `request.messages`. `onText` (when given) receives the
  /// text as it is produced, piece by piece, and returns whether to go on: `false` ends the
  /// generation there (finish reason `stop`). The returned completion holds all the text.
  func complete(_ request: CompletionRequest, onText: (@Sendable (String) -> Bool)?) async throws -> Completion
}

extension LanguageModelClient {
  /// Generates one assistant turn without streaming.
  public func complete(_ request: CompletionRequest) async throws -> Completion {
    try await complete(request, onText: nil)
  }
}

/// What to ask a language model.
public struct CompletionRequest: Sendable, Hashable {
  public var messages: [ChatMessage]
  /// The most tokens to generate.
  public var maxTokens: Int
  /// 0 is greedy decoding.
  public var temperature: Double
  public var topP: Double
  /// Fixes the random draws, for reproducible sampling.
  public var seed: UInt64?
  /// Generation ends when one of these appears; it is not returned.
  public var stop: [String]
  public var responseFormat: ResponseFormat
  /// Subtracted from the logit of every token already generated (OpenAI's, -2…2).
  public var presencePenalty: Double
  /// Subtracted once per earlier occurrence of a token (OpenAI's, -2…2): small models loop
  /// without it.
  public var frequencyPenalty: Double
  /// Functions the model may call instead of answering in text.
  public var tools: [ToolDefinition]
  public var toolChoice: ToolChoice
  /// Whether one reply may hold several calls.
  public var parallelToolCalls: Bool

  public init(
    messages: [ChatMessage], maxTokens: Int = 256, temperature: Double = 0, topP: Double = 1, seed: UInt64? = nil,
    stop: [String] = [], responseFormat: ResponseFormat = .text, presencePenalty: Double = 0,
    frequencyPenalty: Double = 0, tools: [ToolDefinition] = [], toolChoice: ToolChoice = .auto,
    parallelToolCalls: Bool = true
  ) {
    self.tools = tools
    self.toolChoice = toolChoice
    self.parallelToolCalls = parallelToolCalls
    self.presencePenalty = presencePenalty
    self.frequencyPenalty = frequencyPenalty
    self.messages = messages
    self.maxTokens = maxTokens
    self.temperature = temperature
    self.topP = topP
    self.seed = seed
    self.stop = stop
    self.responseFormat = responseFormat
  }
}

/// The shape the reply must take.
public enum ResponseFormat: Sendable, Hashable {
  /// Free text.
  case text
  /// Any JSON object (OpenAI's `json_object`).
  case jsonObject
  /// JSON valid against a JSON Schema (OpenAI's `json_schema`); `name` identifies the schema.
  case jsonSchema(name: String, schema: JSONValue)
}

/// A language model's reply.
public struct Completion: Sendable, Hashable, Codable {
  public var text: String
  public var finishReason: FinishReason
  public var promptTokens: Int
  public var completionTokens: Int
  /// Prompt tokens the backend took from its prompt cache instead of computing them (OpenAI's
  /// `usage.prompt_tokens_details.cached_tokens`); nil when it does not say.
  public var cachedPromptTokens: Int?
  /// The model that answered, as the backend names it.
  public var model: String
  /// The tools the model called (finish reason ``FinishReason/toolCalls``); nil when it
  /// answered in text.
  public var toolCalls: [ToolCall]?

  /// Why generation stopped, in the OpenAI API's vocabulary (its raw values).
  public enum FinishReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// An end token or a stop string.
    case stop
    /// Max tokens, or the context window is full.
    case length
    /// The caller stopped reading.
    case cancelled
    case contentFilter = "content_filter"
    case toolCalls = "tool_calls"

    /// The reason a server sent; one Twin does not know (vLLM's `abort`, say) reads as `stop`.
    public init(wire: String?) {
      self = wire.flatMap(Self.init(rawValue:)) ?? (wire == "function_call" ? .toolCalls : .stop)
    }
  }

  public init(
    text: String, finishReason: FinishReason, promptTokens: Int, completionTokens: Int, model: String,
    toolCalls: [ToolCall]? = nil, cachedPromptTokens: Int? = nil
  ) {
    self.toolCalls = toolCalls
    self.cachedPromptTokens = cachedPromptTokens
    self.text = text
    self.finishReason = finishReason
    self.promptTokens = promptTokens
    self.completionTokens = completionTokens
    self.model = model
  }
}

/// Why a language model call failed, in words that name the backend.
public enum LanguageModelError: Error, Sendable, CustomStringConvertible, Equatable {
  /// The request itself is invalid (a bad parameter, an unusable schema, an empty prompt).
  case invalidRequest(String)
  /// The backend could not be reached or answered with an error.
  case backend(String)
  /// The backend's reply could not be read.
  case malformedReply(String)
  /// The reply was cut off at `max_tokens` where it had to be complete (JSON output).
  case truncated(String)

  public var description: String {
    switch self {
    case .invalidRequest(let why): "invalid LLM request: \(why)"
    case .backend(let why): "LLM backend error: \(why)"
    case .malformedReply(let why): "unreadable LLM reply: \(why)"
    case .truncated(let why): "truncated LLM reply: \(why)"
    }
  }
}
