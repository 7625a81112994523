import Foundation
import TwinCore
import TwinFeatureStore

/// Retrieval metrics on an evaluation set, per reranker, on the same candidates: how often the
/// chunk ranked first (or among the first three) comes from the document that answers the
/// question, and the mean reciprocal rank of the first such chunk.
///
/// No LLM is involved (no self-query or expansion): the question alone is searched, so the
/// comparison isolates the reranker.
public enum RetrievalEvaluation {
  /// One question and the document (a link, or its ending) that answers it.
  public struct Case: Sendable, Codable, Hashable {
    public var question: String
    public var relevant: String

    public init(question: String, relevant: String) {
      self.question = question
      self.relevant = relevant
    }
  }

  public struct Scores: Sendable, Codable, Hashable {
    public var reranker: String
    public var cases: Int
    /// Share of questions whose first chunk is relevant.
    public var hitAt1: Double
    /// Share of questions with a relevant chunk among the first three.
    public var hitAt3: Double
    /// Mean reciprocal rank of the first relevant chunk (0 when none is found).
    public var mrr: Double

    enum CodingKeys: String, CodingKey {
      case reranker, cases, mrr
      case hitAt1 = "hit_at_1"
      case hitAt3 = "hit_at_3"
    }
  }

  /// Reads a JSON Lines set; a bad line is an error naming the file and line.
  public static func load(_ url: URL) throws -> [Case] {
    try JSONLines.decode(Case.self, from: url, what: "the evaluation set", expected: #"{"question", "relevant"}"#)
  }
  /// Scores every reranker on the same candidates for each case.
  public static func run(_ cases: [Case], search: ChunkSearch, rerankers: [Reranker]) async throws -> [Scores] {
    var ranks = [[Int?]](repeating: [], count: rerankers.count)
    for item in cases {
      let candidates = try await search.run(
        queries: [item.question], authorIDs: nil, categories: [], trace: TraceRecorder(name: "evaluation"))
      for (r, reranker) in rerankers.enumerated() {
        let ranked = try await reranker.rerank(question: item.question, queryCount: 1, candidates)
        ranks[r].append(ranked.firstIndex { ($0.candidate.chunk.link ?? "").hasSuffix(item.relevant) })
      }
    }
    return rerankers.enumerated().map { r, reranker in
      let n = Double(max(cases.count, 1))
      return Scores(
        reranker: reranker.name, cases: cases.count,
        hitAt1: Double(ranks[r].filter { $0 == 0 }.count) / n,
        hitAt3: Double(ranks[r].filter { ($0 ?? .max) < 3 }.count) / n,
        mrr: ranks[r].reduce(0) { $0 + ($1.map { 1 / Double($0 + 1) } ?? 0) } / n)
    }
  }
}
