import TwinCore
import TwinTokenizers

extension Embedder: TextEmbedder {
  /// The window minus the [CLS] and [SEP] tokens every input gets.
  public var maxContentTokens: Int { maxSequenceLength - 2 }

  public func tokenCount(_ text: String) -> Int {
    tokenizer.encode(text, maxLength: nil).count - 2
  }
}
