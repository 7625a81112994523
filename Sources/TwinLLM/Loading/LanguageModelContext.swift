/// What running a language model needs, loaded: the decoder, its tokenizer and its chat
/// template. Built by ``LanguageModelLoader``; `twin generate`, `twin chat` and
/// ``LocalLanguageModel`` all start from one.
public struct LanguageModelContext: Sendable {
  /// The name people know the model by (`smollm2-135m-instruct`, or the file's name).
  public let name: String
  public let model: any DecoderModel
  public let tokenizer: LLMTokenizer
  public let template: ChatTemplate

  public init(name: String, model: any DecoderModel, tokenizer: LLMTokenizer, template: ChatTemplate) {
    self.name = name
    self.model = model
    self.tokenizer = tokenizer
    self.template = template
  }
}
