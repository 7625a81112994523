/// How the next token is chosen from the model's logits.
///
/// The stages run in llama.cpp's default order: penalties, top-k, top-p, min-p, temperature,
/// then a seeded draw. A temperature of 0 is greedy decoding (the penalties still apply).
public struct SamplingParameters: Sendable, Hashable, Codable {
  public var temperature: Float
  /// Keep only the `topK` most likely tokens (0: all).
  public var topK: Int
  /// Keep the smallest set of most likely tokens whose probabilities sum to `topP` (1: all).
  public var topP: Float
  /// Drop tokens less likely than `minP` × the most likely token's probability (0: none).
  public var minP: Float
  /// Divides positive logits (multiplies negative ones) of tokens seen in the last
  /// `penaltyWindow` tokens (1: off).
  public var repetitionPenalty: Float
  /// Subtracted from the logit of every token seen at least once (OpenAI's presence penalty).
  public var presencePenalty: Float
  /// Subtracted once per occurrence (OpenAI's frequency penalty).
  public var frequencyPenalty: Float
  /// How many recent tokens the penalties look at.
  public var penaltyWindow: Int
  /// Whether the prompt's tokens count for the penalties (llama.cpp: yes; the OpenAI API's
  /// presence and frequency penalties look only at the generated text).
  public var penalizesPrompt: Bool
  public var seed: UInt64

  public init(
    temperature: Float = 0, topK: Int = 40, topP: Float = 0.95, minP: Float = 0.05, repetitionPenalty: Float = 1,
    presencePenalty: Float = 0, frequencyPenalty: Float = 0, penaltyWindow: Int = 64, penalizesPrompt: Bool = true,
    seed: UInt64 = 0
  ) {
    self.penalizesPrompt = penalizesPrompt
    self.temperature = temperature
    self.topK = topK
    self.topP = topP
    self.minP = minP
    self.repetitionPenalty = repetitionPenalty
    self.presencePenalty = presencePenalty
    self.frequencyPenalty = frequencyPenalty
    self.penaltyWindow = penaltyWindow
    self.seed = seed
  }

  /// Greedy decoding with no penalties: the reference setting for correctness checks.
  public static let greedy = SamplingParameters(temperature: 0, repetitionPenalty: 1)

  /// Checks ranges, naming the parameter.
  public func validate() throws {
    func fail(_ what: String) -> SamplingError { SamplingError.invalidParameter(what) }
    guard temperature >= 0, temperature.isFinite else { throw fail("temperature must be ≥ 0 (got \(temperature))") }
    guard topK >= 0 else { throw fail("top_k must be ≥ 0 (got \(topK))") }
    guard topP > 0, topP <= 1 else { throw fail("top_p must be in (0, 1] (got \(topP))") }
    guard minP >= 0, minP < 1 else { throw fail("min_p must be in [0, 1) (got \(minP))") }
    guard repetitionPenalty > 0 else { throw fail("repetition_penalty must be > 0 (got \(repetitionPenalty))") }
    guard (-2...2).contains(presencePenalty) else { throw fail("presence_penalty must be in [-2, 2]") }
    guard (-2...2).contains(frequencyPenalty) else { throw fail("frequency_penalty must be in [-2, 2]") }
    guard penaltyWindow >= 0 else { throw fail("the penalty window must be ≥ 0") }
  }
}

/// Why sampling settings were refused.
public enum SamplingError: Error, Sendable, Equatable, CustomStringConvertible {
  case invalidParameter(String)
  public var description: String {
    switch self {
    case .invalidParameter(let m): "invalid sampling parameter: \(m)"
    }
  }
}
