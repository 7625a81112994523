import TwinCore
import TwinLLM

/// Dataset samples as token ids, rendered with the base model's own chat template: the prompt
/// is the user's turn and the assistant's opening, the answer is the rest of the conversation
/// (the text and the turn's end marker).
public struct ChatExamples: Sendable {
  /// The base model's tokenizer.
  public let tokenizer: LLMTokenizer
  /// The base model's chat template.
  public let template: ChatTemplate

  /// Renders with `template` and tokenises with `tokenizer`.
  public init(tokenizer: LLMTokenizer, template: ChatTemplate) {
    self.tokenizer = tokenizer
    self.template = template
  }

  /// The prompt's tokens and the answer's tokens for `instruction` answered by `answer`.
  public func tokens(instruction: String, answer: String) -> (prompt: [Int32], answer: [Int32]) {
    let prompt = template.render([.user(instruction)], addGenerationPrompt: true)
    let full = template.render([.user(instruction), .assistant(answer)], addGenerationPrompt: false)
    // Every supported template writes the conversation so far as a prefix of the longer one;
    // the answer is what follows (for `plain`, the separator too).
    let rest = full.hasPrefix(prompt) ? String(full.dropFirst(prompt.count)) : answer
    return (
      tokenizer.encode(prompt, addSpecial: !template.rendersBOS, parseSpecial: true),
      tokenizer.encode(rest, addSpecial: false, parseSpecial: true)
    )
  }

  /// An SFT example: loss on the answer only, or on every token when `answerOnly` is false.
  public func supervised(_ sample: DatasetSample, answerOnly: Bool) -> TrainingExample {
    let (prompt, answer) = tokens(instruction: sample.instruction, answer: sample.answer)
    let example = TrainingExample(prompt: prompt, answer: answer)
    return answerOnly ? example : TrainingExample(tokens: example.tokens, trained: example.tokens.map { _ in true })
  }

  /// A DPO pair: the chosen answer is the sample's answer, the rejected its `rejected`.
  public func preference(_ sample: DatasetSample) -> PreferenceExample? {
    guard let rejected = sample.rejected else { return nil }
    let (prompt, chosen) = tokens(instruction: sample.instruction, answer: sample.answer)
    let (_, worse) = tokens(instruction: sample.instruction, answer: rejected)
    return PreferenceExample(prompt: prompt, chosen: chosen, rejected: worse)
  }
}
