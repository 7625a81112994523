/// What to generate: a prompt already tokenised, how to pick tokens, and when to stop.
public struct GenerationRequest: Sendable {
  /// The prompt's token ids (rendered through the chat template first, for chat models).
  public var prompt: [Int32]
  /// The most tokens to generate.
  public var maxTokens: Int
  public var sampling: SamplingParameters
  /// Generation ends when the text contains one of these; the stop string is not returned.
  public var stop: [String]
  /// How many alternatives, with log-probabilities, to report for each generated token.
  public var topLogprobs: Int

  public init(
    prompt: [Int32], maxTokens: Int = 256, sampling: SamplingParameters = .greedy,
    stop: [String] = [], topLogprobs: Int = 0
  ) {
    self.prompt = prompt
    self.maxTokens = maxTokens
    self.sampling = sampling
    self.stop = stop
    self.topLogprobs = topLogprobs
  }
}

/// One generated token, as it is produced.
public struct GeneratedToken: Sendable {
  public var id: Int32
  /// The text this token completes (empty while a multi-byte character or a possible stop
  /// string is still being held back; released with a later token).
  public var text: String
  /// The chosen token's log-probability under the model (before penalties and temperature).
  public var logprob: Float
  /// The most likely alternatives, best first, when requested.
  public var topLogprobs: [TokenLogprob]
}

/// A token and its log-probability.
public struct TokenLogprob: Sendable, Hashable {
  public var id: Int32
  public var logprob: Float
}

/// Why a generation ended.
public enum FinishReason: String, Sendable, Codable {
  /// The model produced an end-of-sequence or end-of-turn token.
  case endOfSequence = "end_of_sequence"
  /// A stop string appeared.
  case stop
  /// `maxTokens` were generated, or the context window is full.
  case length
  /// The caller cancelled.
  case cancelled
}

/// A finished generation.
public struct Generation: Sendable {
  public var tokens: [Int32]
  public var text: String
  public var finishReason: FinishReason
  public var promptTokens: Int
  /// Prompt tokens whose keys and values were copied from an earlier prompt with the same
  /// prefix instead of being computed (OpenAI's `cached_tokens`).
  public var cachedPromptTokens: Int = 0
  /// Seconds spent on the prompt (prefill) and on generating (decode).
  public var prefillSeconds: Double
  public var decodeSeconds: Double
}
