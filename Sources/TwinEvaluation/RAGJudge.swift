import Foundation
import TwinCore

/// An LLM judge for a RAG answer, in the manner of Ragas and Opik: is the answer faithful to
/// the retrieved context, does it answer the question, and which retrieved passages were
/// relevant (from which context precision is computed, without asking the judge for a number
/// it would have to reckon).
public struct RAGJudge: Sendable {
  public let llm: any LanguageModelClient
  /// Further attempts after a malformed verdict.
  public var retries: Int
  public var maxTokens: Int

  public init(llm: any LanguageModelClient, retries: Int = 2, maxTokens: Int = 384) {
    self.llm = llm
    self.retries = retries
    self.maxTokens = maxTokens
  }

  /// The judge's verdict on one RAG answer.
  public struct Verdict: Sendable, Hashable, Codable {
    /// 1: claims the context does not support; 3: every claim is supported.
    public var faithfulness: Judge.Criterion
    /// 1: does not answer the question; 3: answers it fully and directly.
    public var relevance: Judge.Criterion
    /// The 1-based numbers of the passages that help answer the question.
    public var relevantPassages: [Int]

    enum CodingKeys: String, CodingKey {
      case faithfulness, relevance
      case relevantPassages = "relevant_passages"
    }
  }

  public static let schema: JSONValue = {
    let criterion: JSONValue = [
      "type": "object",
      "properties": [
        "analysis": ["type": "string", "maxLength": 300],
        "score": ["type": "integer", "enum": [1, 2, 3]],
      ],
      "required": ["analysis", "score"],
      "additionalProperties": false,
    ]
    return [
      "type": "object",
      "properties": [
        "faithfulness": criterion, "relevance": criterion,
        // The engine's grammar has no integer bounds: ``verdict(from:passages:)`` checks them.
        "relevant_passages": ["type": "array", "items": ["type": "integer"], "maxItems": 50],
      ],
      "required": ["faithfulness", "relevance", "relevant_passages"],
      "additionalProperties": false,
    ]
  }()

  static let system = """
    You are a helpful assistant who evaluates answers produced from retrieved passages. Provide \
    your response in JSON format.
    """

  static func prompt(question: String, passages: [String], answer: String) -> String {
    let numbered = passages.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "\n\n")
    return """
      You are an expert judge of a retrieval-augmented answer. Evaluate it on two criteria and \
      list the passages that matter.
      1. Faithfulness: is every claim in the answer supported by the passages?
      1 (Poor): makes claims the passages do not support
      2 (Good): mostly supported, with a minor unsupported detail
      3 (Excellent): every claim is supported by the passages
      2. Relevance: does the answer address the question?
      1 (Poor): does not answer it
      2 (Good): answers part of it, or answers it with much that is beside the point
      3 (Excellent): answers it fully and directly
      3. Relevant passages: the numbers of the passages that help answer the question.

      Question: \(question)

      Passages:
      \(numbered)

      Answer: \(answer)

      Provide your evaluation in JSON format with the following structure:
      {"faithfulness": {"analysis": "...", "score": 0}, "relevance": {"analysis": "...", "score": 0}, "relevant_passages": [1]}
      """
  }

  /// Judges `answer` to `question` given the retrieved `passages`, in rank order.
  public func judge(question: String, passages: [String], answer: String) async -> Result<Verdict, Judge.Failure> {
    await Judge.ask(
      llm, system: Self.system, prompt: Self.prompt(question: question, passages: passages, answer: answer),
      schema: Self.schema, named: "rag_verdict", maxTokens: maxTokens, retries: retries
    ) { try Self.verdict(from: $0, passages: passages.count) }
  }

  /// Reads and checks a verdict: scores in 1…3, passage numbers among those given.
  ///
  /// - Throws: ``LanguageModelError`` naming what is wrong.
  public static func verdict(from reply: Completion, passages: Int) throws -> Verdict {
    let verdict = try reply.decodeJSON(Verdict.self)
    for (name, criterion) in [("faithfulness", verdict.faithfulness), ("relevance", verdict.relevance)]
    where !(1...3).contains(criterion.score) {
      throw LanguageModelError.malformedReply("the \(name) score \(criterion.score) is not 1, 2 or 3")
    }
    if let wrong = verdict.relevantPassages.first(where: { !(1...max(passages, 1)).contains($0) }) {
      throw LanguageModelError.malformedReply("passage \(wrong) is not one of the \(passages) given")
    }
    return verdict
  }

  /// Ragas' context precision: the mean, over the ranks holding a relevant passage, of the
  /// precision of the passages up to that rank; 0 when none is relevant. Rewards retrieval that
  /// puts what matters first.
  public static func contextPrecision(relevant: Set<Int>, count: Int) -> Double {
    var hits = 0
    var total = 0.0
    for rank in 1...max(count, 1) where relevant.contains(rank) {
      hits += 1
      total += Double(hits) / Double(rank)
    }
    return hits == 0 ? 0 : total / Double(hits)
  }
}
