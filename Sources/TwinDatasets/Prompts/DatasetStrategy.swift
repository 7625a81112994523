import Foundation
/// How a sample is built from an extract.
public enum DatasetStrategy: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  /// The Handbook's way: the LLM writes the instructions and the answers.
  case generate
  /// The LLM writes only the instruction the extract answers; the answer is the author's own
  /// passage, lightly trimmed. For preference data, `rejected` is the base model's own answer
  /// to the instruction. Small models write a question far better than the author's prose, and
  /// the twin learns the real voice.
  case backtranslate

  public var description: String { rawValue }
}
