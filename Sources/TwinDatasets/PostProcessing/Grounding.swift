import Foundation

/// Whether an answer draws on its extract: the share of the answer's content words (four
/// letters or more, not a common function word) that also occur in the extract.
///
/// A back-translated answer is the extract itself (share 1). A generated answer that wanders
/// off into what the model knows rather than what the author wrote scores low and is dropped.
public struct Grounding: Sendable, Hashable, Codable {
  /// The least share of content words to keep an answer.
  public var minimumShare: Double

  public static let shareRange = 0.0...1.0

  public init(minimumShare: Double = 0.5) { self.minimumShare = minimumShare }

  /// The share of `answer`'s content words found in `extract` (1 when it has none).
  public static func share(of answer: String, in extract: String) -> Double {
    let answerWords = contentWords(answer)
    guard !answerWords.isEmpty else { return 1 }
    let extractWords = contentWords(extract)
    return Double(answerWords.intersection(extractWords).count) / Double(answerWords.count)
  }

  public func isGrounded(_ answer: String, in extract: String) -> Bool {
    Self.share(of: answer, in: extract) >= minimumShare
  }

  static func contentWords(_ text: String) -> Set<String> {
    Set(
      text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).filter {
        $0.count >= 4 && !stopWords.contains($0)
      })
  }

  /// Function words that say nothing about where an answer came from.
  static let stopWords: Set<String> = [
    "about", "above", "after", "again", "also", "because", "been", "before", "being", "below", "between", "both",
    "could", "does", "doing", "down", "during", "each", "even", "from", "further", "have", "having", "here", "into",
    "just", "like", "make", "many", "more", "most", "much", "must", "only", "other", "over", "same", "should",
    "some", "such", "than", "that", "their", "them", "then", "there", "these", "they", "this", "those", "through",
    "under", "until", "very", "well", "were", "what", "when", "where", "which", "while", "will", "with", "would",
    "your", "yours", "into", "onto", "upon", "within", "without", "can't", "don't", "it's",
  ]
}
