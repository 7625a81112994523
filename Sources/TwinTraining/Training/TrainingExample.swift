/// One tokenised sample for supervised fine-tuning: the tokens and, for each, whether
/// predicting it counts toward the loss (the answer's tokens, when the loss is on answers only).
public struct TrainingExample: Sendable, Hashable, Codable {
  /// The prompt and answer, as token ids.
  public var tokens: [Int32]
  /// One flag per token.
  public var trained: [Bool]

  /// A sample of `tokens` with a flag per token.
  public init(tokens: [Int32], trained: [Bool]) {
    precondition(tokens.count == trained.count, "one flag per token")
    self.tokens = tokens
    self.trained = trained
  }

  /// `prompt` without loss followed by `answer` with loss.
  public init(prompt: [Int32], answer: [Int32]) {
    self.init(tokens: prompt + answer, trained: prompt.map { _ in false } + answer.map { _ in true })
  }

  /// The first `length` tokens.
  public func truncated(to length: Int) -> TrainingExample {
    TrainingExample(tokens: Array(tokens.prefix(length)), trained: Array(trained.prefix(length)))
  }

  /// Tokens that count toward the loss (every flagged token after the first).
  public var labelledCount: Int { trained.dropFirst().filter { $0 }.count }
}

/// One tokenised preference pair: a prompt with a chosen and a rejected answer.
public struct PreferenceExample: Sendable, Hashable, Codable {
  /// The prompt's tokens (chat template applied, ending where the answer starts).
  public var prompt: [Int32]
  /// The preferred answer's tokens.
  public var chosen: [Int32]
  /// The other answer's tokens.
  public var rejected: [Int32]

  /// A pair for `prompt`.
  public init(prompt: [Int32], chosen: [Int32], rejected: [Int32]) {
    self.prompt = prompt
    self.chosen = chosen
    self.rejected = rejected
  }
}
