import Foundation
import TwinCore

/// The per-sample filters of `post_process`: the Handbook's format rules for preference answers
/// and the sanity rules every sample meets.
public struct SampleFilters: Sendable, Hashable, Codable {
  public var minInstructionCharacters = 10
  /// The Handbook's `filter_answer_length`: preference answers of at least 100 characters.
  public var minPreferenceAnswerCharacters = 100

  public init() {}

  /// Why `sample` is dropped, or nil when it is kept.
  public func reason(toDrop sample: GeneratedSample, kind: DatasetKind) -> RemovalReason? {
    if sample.instruction.count < minInstructionCharacters { return .shortInstruction }
    if Self.isMeta(sample.instruction) { return .metaInstruction }
    guard kind == .preference else { return nil }
    if sample.answer.count < minPreferenceAnswerCharacters { return .shortAnswer }
    if !Self.isWellFormed(sample.answer) { return .answerFormat }
    if let rejected = sample.rejected, Self.normalized(rejected) == Self.normalized(sample.answer) {
      return .identicalAnswers
    }
    return nil
  }

  /// The Handbook's `filter_answer_format`: starts with an uppercase letter, ends with `.`,
  /// `!` or `?` (closing quotes and brackets after it allowed).
  public static func isWellFormed(_ answer: String) -> Bool {
    let text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
    guard let first = text.first, first.isUppercase else { return false }
    let closers: Set<Character> = ["\"", "'", ")", "]", "\u{201D}", "\u{2019}", "*", "_"]
    guard let last = text.reversed().first(where: { !closers.contains($0) }) else { return false }
    return ".!?".contains(last)
  }

  /// Whether `instruction` refers to its source rather than its topic ("What is the main topic
  /// of the passage?"): the prompts forbid it, small teachers do it anyway.
  public static func isMeta(_ instruction: String) -> Bool {
    let words = normalized(instruction).split(whereSeparator: { !$0.isLetter }).map(String.init)
    let sources: Set = ["passage", "extract", "excerpt", "text", "author", "context", "article", "snippet"]
    return zip(words, words.dropFirst()).contains { pair in
      ["the", "this", "that", "given", "above"].contains(pair.0) && sources.contains(pair.1)
    }
  }

  /// Lowercased, whitespace collapsed: what makes two texts "the same".
  public static func normalized(_ text: String) -> String {
    text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }
}
