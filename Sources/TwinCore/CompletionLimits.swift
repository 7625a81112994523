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
  }
}
