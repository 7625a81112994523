import Foundation
import TwinCore

/// The OpenAI chat-completions wire format, as far as Twin speaks it: the client sends these,
/// and `twin serve llm` reads them. Field names follow the API (snake_case).
public enum OpenAIWire {
  /// `POST /v1/chat/completions` body.
  public struct ChatRequest: Codable, Sendable {
    public var model: String?
    public var messages: [Message]
    public var maxTokens: Int?
    public var maxCompletionTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var seed: UInt64?
    public var stop: StopList?
    public var stream: Bool?
    public var responseFormat: Format?
    public var logprobs: Bool?
    public var topLogprobs: Int?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    /// Choices to generate (1 when absent).
    public var n: Int?
    public var streamOptions: StreamOptions?
    public var tools: [Tool]?
    public var toolChoice: ToolChoiceValue?
    public var parallelToolCalls: Bool?

    enum CodingKeys: String, CodingKey {
      case model, messages, temperature, seed, stop, stream, logprobs, n, tools
      case toolChoice = "tool_choice"
      case parallelToolCalls = "parallel_tool_calls"
      case streamOptions = "stream_options"
      case maxTokens = "max_tokens"
      case maxCompletionTokens = "max_completion_tokens"
      case topP = "top_p"
      case responseFormat = "response_format"
      case topLogprobs = "top_logprobs"
      case presencePenalty = "presence_penalty"
      case frequencyPenalty = "frequency_penalty"
    }

    public init(_ request: CompletionRequest, model: String, stream: Bool) {
      self.model = model
      messages = request.messages.map(Message.init)
      if !request.tools.isEmpty {
        tools = request.tools.map(Tool.init)
        toolChoice = ToolChoiceValue(request.toolChoice)
        parallelToolCalls = request.parallelToolCalls ? nil : false
      }
      maxTokens = request.maxTokens
      temperature = request.temperature
      topP = request.topP
      seed = request.seed
      stop = request.stop.isEmpty ? nil : StopList(request.stop)
      self.stream = stream
      // Streamed, the usage (token counts, cached prompt tokens) comes only when asked for.
      if stream { streamOptions = StreamOptions(includeUsage: true) }
      presencePenalty = request.presencePenalty == 0 ? nil : request.presencePenalty
      frequencyPenalty = request.frequencyPenalty == 0 ? nil : request.frequencyPenalty
      switch request.responseFormat {
      case .text: responseFormat = nil
      case .jsonObject: responseFormat = Format(type: "json_object")
      case .jsonSchema(let name, let schema):
        responseFormat = Format(type: "json_schema", jsonSchema: .init(name: name, schema: schema, strict: true))
      }
    }
  }

  /// `stream_options`: with `include_usage`, a last chunk (no choices) carries the usage.
  public struct StreamOptions: Codable, Sendable {
    public var includeUsage: Bool?
    public init(includeUsage: Bool?) { self.includeUsage = includeUsage }
    enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
  }

  public struct Message: Codable, Sendable {
    public var role: String
    /// The text; a content-part array (`[{"type": "text", "text": …}]`, as newer clients send)
    /// is read as its text parts joined.
    public var content: String?
    /// The calls of an assistant turn.
    public var toolCalls: [ToolCallValue]?
    /// The call a `tool` turn answers.
    public var toolCallID: String?

    public init(role: String, content: String?, toolCalls: [ToolCallValue]? = nil, toolCallID: String? = nil) {
      self.role = role
      self.content = content
      self.toolCalls = toolCalls
      self.toolCallID = toolCallID
    }

    /// A port message on the wire.
    public init(_ message: ChatMessage) {
      let calls = message.toolCalls ?? []
      self.init(
        role: message.role.rawValue, content: calls.isEmpty || !message.content.isEmpty ? message.content : nil,
        toolCalls: calls.isEmpty ? nil : calls.map { ToolCallValue($0) }, toolCallID: message.toolCallID)
    }

    enum CodingKeys: String, CodingKey {
      case role, content
      case toolCalls = "tool_calls"
      case toolCallID = "tool_call_id"
    }

    /// One element of a content-part array.
    struct Part: Decodable {
      var type: String
      var text: String?
    }

    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      role = try c.decode(String.self, forKey: .role)
      toolCalls = try c.decodeIfPresent([ToolCallValue].self, forKey: .toolCalls)
      toolCallID = try c.decodeIfPresent(String.self, forKey: .toolCallID)
      if let text = try? c.decodeIfPresent(String.self, forKey: .content) {
        content = text
        return
      }
      guard c.contains(.content), !(try c.decodeNil(forKey: .content)) else {
        content = nil
        return
      }
      let parts = try c.decode([Part].self, forKey: .content)
      if let other = parts.first(where: { $0.type != "text" }) {
        throw DecodingError.dataCorruptedError(
          forKey: .content, in: c,
          debugDescription: "only text content parts are supported (got a \(other.type) part)")
      }
      content = parts.compactMap(\.text).joined()
    }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(role, forKey: .role)
      // An assistant turn of calls only has `"content": null`, as OpenAI writes it.
      if let content { try c.encode(content, forKey: .content) } else { try c.encodeNil(forKey: .content) }
      try c.encodeIfPresent(toolCalls, forKey: .toolCalls)
      try c.encodeIfPresent(toolCallID, forKey: .toolCallID)
    }
  }

  /// `stop` is a string or a list of strings.
  public struct StopList: Codable, Sendable {
    public var values: [String]
    public init(_ values: [String]) { self.values = values }
    public init(from decoder: any Decoder) throws {
      let c = try decoder.singleValueContainer()
      if let one = try? c.decode(String.self) { values = [one] } else { values = try c.decode([String].self) }
    }
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.singleValueContainer()
      try c.encode(values)
    }
  }

  public struct Format: Codable, Sendable {
    public var type: String
    public var jsonSchema: Schema?
    public struct Schema: Codable, Sendable {
      public var name: String
      public var schema: JSONValue?
      public var strict: Bool?
    }
    enum CodingKeys: String, CodingKey {
      case type
      case jsonSchema = "json_schema"
    }
    public init(type: String, jsonSchema: Schema? = nil) {
      self.type = type
      self.jsonSchema = jsonSchema
    }
  }

  /// A non-streamed reply.
  public struct ChatResponse: Codable, Sendable {
    public init(id: String, object: String, created: Int, model: String, choices: [Choice], usage: Usage?) {
      self.id = id
      self.object = object
      self.created = created
      self.model = model
      self.choices = choices
      self.usage = usage
    }
    public var id: String
    public var object: String
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: Usage?

    public struct Choice: Codable, Sendable {
      public var index: Int
      public var message: Message
      public var finishReason: String?
      public var logprobs: Logprobs?
      public init(index: Int, message: Message, finishReason: String?, logprobs: Logprobs? = nil) {
        self.index = index
        self.message = message
        self.finishReason = finishReason
        self.logprobs = logprobs
      }
      enum CodingKeys: String, CodingKey {
        case index, message, logprobs
        case finishReason = "finish_reason"
      }
    }
  }

  /// `logprobs` of a choice: each generated token with its log-probability and the most likely
  /// alternatives.
  public struct Logprobs: Codable, Sendable {
    public var content: [Entry]
    public init(content: [Entry]) { self.content = content }

    public struct Entry: Codable, Sendable {
      public var token: String
      public var logprob: Float
      public var bytes: [Int]
      public var topLogprobs: [Alternative]
      enum CodingKeys: String, CodingKey {
        case token, logprob, bytes
        case topLogprobs = "top_logprobs"
      }
      public init(token: String, logprob: Float, bytes: [Int], topLogprobs: [Alternative]) {
        self.token = token
        self.logprob = logprob
        self.bytes = bytes
        self.topLogprobs = topLogprobs
      }
    }

    public struct Alternative: Codable, Sendable {
      public var token: String
      public var logprob: Float
      public var bytes: [Int]
      public init(token: String, logprob: Float, bytes: [Int]) {
        self.token = token
        self.logprob = logprob
        self.bytes = bytes
      }
    }
  }

  public struct Usage: Codable, Sendable {
    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int, cachedTokens: Int? = nil) {
      self.promptTokens = promptTokens
      self.completionTokens = completionTokens
      self.totalTokens = totalTokens
      promptTokensDetails = cachedTokens.map(PromptTokensDetails.init(cachedTokens:))
    }
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    /// What the prompt cache saved; absent when the server does not say.
    public var promptTokensDetails: PromptTokensDetails?
    enum CodingKeys: String, CodingKey {
      case promptTokens = "prompt_tokens"
      case completionTokens = "completion_tokens"
      case totalTokens = "total_tokens"
      case promptTokensDetails = "prompt_tokens_details"
    }

    /// `usage.prompt_tokens_details`.
    public struct PromptTokensDetails: Codable, Sendable {
      /// Prompt tokens taken from the prompt cache.
      public var cachedTokens: Int?
      enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }
  }

  /// One server-sent event of a streamed reply.
  public struct ChatChunk: Codable, Sendable {
    public init(id: String, model: String, choices: [Choice], usage: Usage?, created: Int = Int(Date().timeIntervalSince1970)) {
      self.id = id
      self.model = model
      self.choices = choices
      self.usage = usage
      self.created = created
      object = "chat.completion.chunk"
    }
    public var id: String
    /// `chat.completion.chunk`: the `openai` client's stream helper skips events without it.
    public var object: String?
    public var created: Int?
    public var model: String
    public var choices: [Choice]
    public var usage: Usage?

    public struct Choice: Codable, Sendable {
      public var index: Int
      public var delta: Delta
      public var finishReason: String?
      public init(index: Int, delta: Delta, finishReason: String?) {
        self.index = index
        self.delta = delta
        self.finishReason = finishReason
      }
      enum CodingKeys: String, CodingKey {
        case index, delta
        case finishReason = "finish_reason"
      }
    }
    public struct Delta: Codable, Sendable {
      public init(role: String?, content: String?, toolCalls: [ToolCallValue]? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
      }
      public var role: String?
      public var content: String?
      /// Pieces of calls, each with the `index` of the call it belongs to.
      public var toolCalls: [ToolCallValue]?
      enum CodingKeys: String, CodingKey {
        case role, content
        case toolCalls = "tool_calls"
      }
    }
  }

  /// An error body: `{"error": {"message": ..., "type": ...}}`.
  public struct ErrorBody: Codable, Sendable {
    public init(error: Detail) { self.error = error }
    public var error: Detail
    public struct Detail: Codable, Sendable {
      public init(message: String, type: String?) {
        self.message = message
        self.type = type
      }
      public var message: String
      public var type: String?
    }
  }
}
