import Foundation
import TwinFeatureStore

/// Orders the search's candidates before the top k are kept.
public enum Reranker: Sendable {
  /// Keep the search order: best cosine similarity over the queries.
  case none
  /// The default, needing no extra model: cosine similarity, plus how much of the question's
  /// vocabulary the chunk contains (exact terms such as names, numbers and code identifiers
  /// that embeddings blur), plus agreement between the expanded queries.
  case fusion
  /// A cross-encoder scoring (question, chunk) pairs; `score` returns one score per passage.
  case crossEncoder(name: String, score: @Sendable (_ question: String, _ passages: [String]) async throws -> [Float])

  public var name: String {
    switch self {
    case .none: "none"
    case .fusion: "fusion"
    case .crossEncoder(let name, _): "cross-encoder:\(name)"
    }
  }

  /// How much a chunk's coverage of the question's terms (0…1) adds to its cosine similarity.
  static let lexicalWeight: Float = 0.25
  /// How much being found by every query (rather than one) adds.
  static let agreementWeight: Float = 0.05

  /// The candidates with their new scores, best first.
  public func rerank(
    question: String, queryCount: Int, _ candidates: [ChunkSearch.Candidate]
  ) async throws -> [(candidate: ChunkSearch.Candidate, score: Float)] {
    let scored: [(ChunkSearch.Candidate, Float)]
    switch self {
    case .none:
      scored = candidates.map { ($0, $0.similarity) }
    case .fusion:
      let terms = Self.terms(question)
      scored = candidates.map { c in
        let text = Self.terms(c.chunk.content + " " + (c.chunk.title ?? "") + " " + (c.chunk.filePath ?? ""))
        let coverage = terms.isEmpty ? 0 : Float(terms.intersection(text).count) / Float(terms.count)
        let agreement = queryCount > 1 ? Float(c.ranks.count - 1) / Float(queryCount - 1) : 0
        return (c, c.similarity + Self.lexicalWeight * coverage + Self.agreementWeight * agreement)
      }
    case .crossEncoder(_, let score):
      let scores = try await score(question, candidates.map(\.chunk.content))
      scored = zip(candidates, scores).map { ($0, $1) }
    }
    return scored.sorted { ($0.1, $1.0.chunk.tieBreaker) > ($1.1, $0.0.chunk.tieBreaker) }
      .map { (candidate: $0.0, score: $0.1) }
  }

  /// Lower-cased words of three or more characters, without common English and French
  /// function words, crudely stemmed (a trailing "s" dropped) so "chunks" meets "chunk".
  static func terms(_ text: String) -> Set<String> {
    Set(
      text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).compactMap { word in
        guard word.count >= 3, !stopWords.contains(String(word)) else { return nil }
        return word.count > 4 && word.hasSuffix("s") ? String(word.dropLast()) : String(word)
      })
  }

  static let stopWords: Set<String> = [
    "the", "and", "for", "are", "but", "not", "you", "your", "with", "what", "when", "where", "which", "who",
    "why", "how", "does", "did", "can", "could", "should", "would", "this", "that", "these", "those", "from",
    "about", "into", "than", "then", "there", "their", "they", "them", "have", "has", "had", "was", "were",
    "will", "its", "our", "out", "all", "any", "one", "more", "most", "some", "such", "also", "just", "like",
    "les", "des", "une", "est", "pour", "dans", "qui", "que", "sur", "avec", "pas", "par", "quel", "quelle",
  ]
}
