import Foundation
/// Why `post_process` dropped a sample; counted per reason in the run's metadata.
public enum RemovalReason: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable {
  /// The instruction is under ``SampleFilters/minInstructionCharacters``.
  case shortInstruction = "short_instruction"
  /// The instruction talks about "the passage", "the extract" or "the author" instead of the
  /// topic: it cannot stand alone at inference time.
  case metaInstruction = "meta_instruction"
  /// A preference answer under ``SampleFilters/minPreferenceAnswerCharacters`` (the Handbook's 100).
  case shortAnswer = "short_answer"
  /// A preference answer that does not start with a capital letter or end with terminal
  /// punctuation (the Handbook's format filter).
  case answerFormat = "answer_format"
  /// `chosen` and `rejected` are the same text.
  case identicalAnswers = "identical_answers"
  /// The answer does not draw on its extract.
  case ungrounded
  /// The same instruction and answer as a sample kept before it.
  case duplicate
  /// Too similar (by embedding) to a sample kept before it.
  case nearDuplicate = "near_duplicate"
}
