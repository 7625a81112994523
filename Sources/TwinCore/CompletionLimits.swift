import Foundation

/// The accepted range of every numeric field of a completion request: one rule per field,
/// checked by every route, command and adapter that builds a request from outside input.
///
/// Client numbers are never trusted in arithmetic: `max_tokens` of `Int.max` once overflowed
/// the KV-cache size and killed the server, so each field is checked against its range here,
/// before anything is computed from it.
public enum CompletionLimits {
  /// `max_tokens`: at least one token; the most any catalog model's context can hold.
  public static let maxTokens = 1...32_768
  /// `temperature`: 0 is greedy; OpenAI's upper bound.
  public static let temperature = 0.0...2.0
  /// `top_p`: a probability mass.
  public static let topP = 0.0...1.0
  /// `presence_penalty` and `frequency_penalty`, as OpenAI bounds them.
  public static let penalty = -2.0...2.0
  /// `top_logprobs`: alternatives reported per token.
  public static let topLogprobs = 0...20
  /// `n`: choices per request, each its own sequence in the engine's batch.
  public static let choices = 1...8

  /// Fails with a message naming `field`, its range and the value given.
  public static func check(_ value: Int, in range: ClosedRange<Int>, field: String) throws(LanguageModelError) {
    guard range.contains(value) else {
      throw .invalidRequest("\(field) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
    }
  }

  /// Fails with a message naming `field`, its range and the value given; NaN is never in range.
  public static func check(_ value: Double, in range: ClosedRange<Double>, field: String) throws(LanguageModelError) {
    guard range.contains(value) else {
      throw .invalidRequest("\(field) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
    }
  }
}

extension CompletionRequest {
  /// Checks every numeric field against ``CompletionLimits``, with OpenAI's field names.
  public func validate() throws(LanguageModelError) {
    try CompletionLimits.check(maxTokens, in: CompletionLimits.maxTokens, field: "max_tokens")
    try CompletionLimits.check(temperature, in: CompletionLimits.temperature, field: "temperature")
    try CompletionLimits.check(topP, in: CompletionLimits.topP, field: "top_p")
    try CompletionLimits.check(presencePenalty, in: CompletionLimits.penalty, field: "presence_penalty")
    try CompletionLimits.check(frequencyPenalty, in: CompletionLimits.penalty, field: "frequency_penalty")
    try validateTools()
  }
}

/// How long a string or an object key may grow in constrained JSON where the schema sets no
/// `maxLength` (all of `json_object` mode, and schema strings without one).
///
/// A small model in `json_object` mode can run on inside a single key or string until
/// `max_tokens`; these bounds make the engine close it. Settings: `llm.json_max_string_chars`
/// and `llm.json_max_key_chars`.
public struct JSONLengthLimits: Sendable, Hashable, Codable {
  /// Characters in a string value without its own `maxLength`.
  public var stringCharacters: Int
  /// Characters in an object key not named by the schema.
  public var keyCharacters: Int

  /// The values `llm.json_max_string_chars` accepts.
  public static let stringRange = 16...100_000
  /// The values `llm.json_max_key_chars` accepts.
  public static let keyRange = 1...1_000

  /// Long enough for an answer of a few paragraphs; keys are names, not prose.
  public init(stringCharacters: Int = 4_000, keyCharacters: Int = 64) {
    self.stringCharacters = stringCharacters
    self.keyCharacters = keyCharacters
  }
}

extension Completion {
  /// The reply as a `Value` decoded from its JSON text.
  ///
  /// - Throws: ``LanguageModelError/truncated(_:)`` when generation stopped at `max_tokens`
  ///   (the JSON is cut off, whatever it parses as), ``LanguageModelError/malformedReply(_:)``
  ///   when the text is not a `Value`.
  public func decodeJSON<Value: Decodable>(_ type: Value.Type = Value.self) throws(LanguageModelError) -> Value {
    guard finishReason != .length else {
      throw .truncated("the reply reached max_tokens (\(completionTokens) tokens) before its JSON was complete")
    }
    do {
      return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
    } catch {
      let shown = text.count > 200 ? String(text.prefix(200)) + "…" : text
      throw .malformedReply("expected JSON for \(Value.self), got \(shown.debugDescription)")
    }
  }
}
