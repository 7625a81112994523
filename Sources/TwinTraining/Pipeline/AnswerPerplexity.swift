import Foundation
import TwinCore
import TwinGGUF
import TwinLLM

/// The perplexity of reference answers under a model: the base GGUF, with a trained model's
/// adapter applied or not. Each answer is scored alone, rendered with the base's chat template
/// after its instruction; only the answer's tokens count.
///
/// The evaluation's judge-free metric that needs the model's own weights: a model that writes
/// like the author finds the author's answers less surprising.
public struct AnswerPerplexity: Sendable {
  let decoder: LoRADecoder
  let chat: ChatExamples
  let adapterEnabled: Bool
  /// Longest sequence scored; longer ones are cut.
  public var maxLength: Int

  /// Loads `baseFile` and, when given, a peft adapter (`configuration` and the weights' file).
  public init(baseFile: URL, adapter: (configuration: Data, weights: URL)?, maxLength: Int = 1024) throws {
    let file = try GGUFFile(url: baseFile)
    let shape = try Hyperparameters(file: file)
    let jinja = file.contains(key: "tokenizer.chat_template") ? try file.string("tokenizer.chat_template") : nil
    chat = ChatExamples(tokenizer: try LLMTokenizer.load(from: file), template: try ChatTemplate.detect(jinja: jinja))
    let weights = try FrozenDecoderWeights(file: file)
    if let adapter {
      decoder = LoRADecoder(
        weights: weights,
        adapter: try PEFTAdapter.read(configuration: adapter.configuration, weights: adapter.weights, shape: shape))
      adapterEnabled = true
    } else {
      // No adapter: an untrained one, switched off, so the base alone runs.
      decoder = LoRADecoder(weights: weights, adapter: LoRAAdapter(shape: shape, configuration: LoRAConfiguration(), seed: 0))
      adapterEnabled = false
    }
    self.maxLength = maxLength
  }

  /// The perplexity of `answer` after `instruction`, `exp(−mean log p)` over its tokens; NaN
  /// when the answer has no token.
  public func perplexity(instruction: String, answer: String) -> Double {
    let example = chat.supervised(DatasetSample(instruction: instruction, answer: answer, category: .articles), answerOnly: true)
    guard let (sum, tokens) = SupervisedTrainer.answerLogLikelihood(decoder, example, maxLength: maxLength, adapterEnabled: adapterEnabled)
    else { return .nan }
    return exp(-sum / Double(tokens))
  }
}
