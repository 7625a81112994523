import Foundation
import TwinCore

/// One question of a RAG evaluation set: a line `{question, expected_links?, reference_answer?}`.
public struct RAGQuestion: Sendable, Hashable, Codable {
  public var question: String
  /// Links (or their endings) of the documents that answer it; retrieval is scored when given.
  public var expectedLinks: [String]?
  /// An answer to compare with (ROUGE-L) when given.
  public var referenceAnswer: String?

  public init(question: String, expectedLinks: [String]? = nil, referenceAnswer: String? = nil) {
    self.question = question
    self.expectedLinks = expectedLinks
    self.referenceAnswer = referenceAnswer
  }

  enum CodingKeys: String, CodingKey {
    case question
    case expectedLinks = "expected_links"
    case referenceAnswer = "reference_answer"
  }

  /// Reads a JSON Lines file; a bad line is an error naming the file and line.
  public static func load(_ url: URL) throws -> [RAGQuestion] {
    let questions = try JSONLines.decode(
      RAGQuestion.self, from: url, what: "the questions file (JSON Lines)",
      expected: #"{"question", "expected_links"?, "reference_answer"?}"#)
    if let blank = questions.firstIndex(where: { $0.question.allSatisfy(\.isWhitespace) }) {
      throw TwinError.invalidInput("\(url.lastPathComponent): question \(blank + 1) is empty")
    }
    guard !questions.isEmpty else { throw TwinError.invalidInput("\(url.lastPathComponent) holds no questions") }
    return questions
  }
}

/// What the RAG path did with one question: its answer and the passages it retrieved, in rank order.
public struct RAGOutcome: Sendable, Hashable, Codable {
  public struct Passage: Sendable, Hashable, Codable {
    public var link: String?
    public var text: String

    public init(link: String?, text: String) {
      self.link = link
      self.text = text
    }
  }

  public var answer: String
  public var passages: [Passage]

  public init(answer: String, passages: [Passage]) {
    self.answer = answer
    self.passages = passages
  }
}

/// The measures of a RAG evaluation.
public enum RAGMetric: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
  /// 1 when a retrieved passage comes from an expected document, else 0.
  case hit = "hit"
  /// 1 / the rank of the first passage from an expected document (0 when none is).
  case reciprocalRank = "mrr"
  /// Judge: is every claim supported by the passages (1–3).
  case faithfulness
  /// Judge: does the answer address the question (1–3).
  case answerRelevance = "answer_relevance"
  /// From the judge's relevant passages: Ragas' context precision (0–1).
  case contextPrecision = "context_precision"
  /// Against the reference answer, when given.
  case rougeL = "rouge_l"
}

/// One question's scores.
public struct RAGQuestionScore: Sendable, Hashable, Codable {
  public var question: String
  public var answer: String
  public var links: [String]
  public var scores: [RAGMetric: Double]
  public var verdict: RAGJudge.Verdict?
  /// Why the question has no answer or no verdict.
  public var failure: String?
}

/// A RAG evaluation's results: per question, and each measure's mean with its 95 % interval.
public struct RAGEvaluationResult: Sendable, Codable {
  public var questions: [RAGQuestionScore]
  public var summaries: [RAGMetric: MetricSummary]
}

/// Scores the RAG path question by question: retrieval (hit and reciprocal rank, where expected
/// links are given), the judge's faithfulness, answer relevance and context precision (with a
/// judge), and ROUGE-L against a reference answer (where one is given).
public struct RAGEvaluation: Sendable {
  public var judge: RAGJudge?
  /// Questions in flight at once.
  public var concurrency: Int

  public init(judge: RAGJudge?, concurrency: Int = 2) {
    self.judge = judge
    self.concurrency = max(1, concurrency)
  }

  /// Asks `answer` each question and scores what comes back. A question whose answer fails is
  /// recorded with the reason and the evaluation goes on.
  public func run(
    _ questions: [RAGQuestion], answer: @escaping @Sendable (String) async throws -> RAGOutcome, progress: any ProgressReporter
  ) async -> RAGEvaluationResult {
    let judge = judge
    let scored = await ModelEvaluation.map(questions, concurrency: concurrency) { done, total in
      progress.update(task: "rag", completed: done, total: total, detail: "questions answered and scored")
    } transform: { question in
      await Self.score(question, answer: answer, judge: judge)
    }
    var summaries: [RAGMetric: MetricSummary] = [:]
    for metric in RAGMetric.allCases {
      if let summary = MetricSummary(values: scored.compactMap { $0.scores[metric] }) { summaries[metric] = summary }
    }
    return RAGEvaluationResult(questions: scored, summaries: summaries)
  }

  static func score(
    _ question: RAGQuestion, answer: @Sendable (String) async throws -> RAGOutcome, judge: RAGJudge?
  ) async -> RAGQuestionScore {
    let outcome: RAGOutcome
    do { outcome = try await answer(question.question) } catch {
      return RAGQuestionScore(question: question.question, answer: "", links: [], scores: [:], failure: "no answer: \(error)")
    }
    var result = RAGQuestionScore(
      question: question.question, answer: outcome.answer, links: outcome.passages.map { $0.link ?? "" }, scores: [:])
    if let expected = question.expectedLinks, !expected.isEmpty {
      let rank = Self.firstRelevantRank(outcome.passages.map(\.link), expected: expected)
      result.scores[.hit] = rank == nil ? 0 : 1
      result.scores[.reciprocalRank] = rank.map { 1 / Double($0) } ?? 0
    }
    if let reference = question.referenceAnswer {
      result.scores[.rougeL] = RougeL.score(outcome.answer, reference: reference)
    }
    if let judge {
      switch await judge.judge(question: question.question, passages: outcome.passages.map(\.text), answer: outcome.answer) {
      case .success(let verdict):
        result.verdict = verdict
        result.scores[.faithfulness] = Double(verdict.faithfulness.score)
        result.scores[.answerRelevance] = Double(verdict.relevance.score)
        result.scores[.contextPrecision] = RAGJudge.contextPrecision(
          relevant: Set(verdict.relevantPassages), count: outcome.passages.count)
      case .failure(let failure):
        result.failure = "judge: \(failure)"
      }
    }
    return result
  }

  /// The 1-based rank of the first passage whose link ends with an expected link (as
  /// `twin evaluate retrieval` matches), or nil.
  public static func firstRelevantRank(_ links: [String?], expected: [String]) -> Int? {
    links.firstIndex { link in expected.contains { !$0.isEmpty && (link ?? "").hasSuffix($0) } }.map { $0 + 1 }
  }
}
