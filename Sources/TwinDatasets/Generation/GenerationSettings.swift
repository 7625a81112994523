/// How the `generate` step asks the LLM: in-flight prompts, retries, sampling, lengths.
public struct GenerationSettings: Sendable, Hashable, Codable {
  /// Prompts in flight at once: the local engine batches them, a server runs them side by side.
  public var concurrency = 8
  /// Further attempts after a prompt fails (an error, truncated or invalid JSON).
  public var retries = 2
  /// 0 is greedy: the same model and extracts give the same dataset. Retries sample at
  /// ``retryTemperature`` so they can come out differently.
  public var temperature = 0.0
  public var retryTemperature = 0.7
  public var seed: UInt64 = 0
  /// The longest reply to a generation prompt.
  public var maxTokens = 1_024
  /// The longest `rejected` answer of a back-translated preference pair.
  public var rejectedMaxTokens = 256

  public static let concurrencyRange = 1...256
  public static let retriesRange = 0...10
  public static let maxTokensRange = 16...8_192

  public init() {}
}
