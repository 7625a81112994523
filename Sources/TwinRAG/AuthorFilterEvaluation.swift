import Foundation
import TwinCore

/// Self-query's author filter on an evaluation set: for each question, the authors it names
/// among a list of known ones, compared with the expected authors.
///
/// The set lists the known authors per question, so the same question can be asked with the
/// names in several orders (a small model asked to pick once answered the first name listed,
/// whatever the question said).
public enum AuthorFilterEvaluation {
  /// One line of the set: `{"question", "known": [names], "authors": [expected names]}`.
  public struct Case: Codable, Sendable {
    public var question: String
    public var known: [String]
    public var authors: [String]
  }

  /// What self-query found for one case.
  public struct Result: Codable, Sendable {
    public var question: String
    public var known: [String]
    public var expected: [String]
    public var found: [String]
    /// `name`, `llm` or `none` (see ``SelfQuery/Outcome``).
    public var method: String
    /// Whether the filter is exactly the expected authors.
    public var right: Bool
  }

  /// The set's figures.
  public struct Summary: Codable, Sendable {
    public var questions: Int
    /// Questions whose filter is exactly the expected authors.
    public var right: Int
    public var accuracy: Double
    /// Questions the LLM was asked about (no unambiguous name in them).
    public var askedTheModel: Int
    public var model: String
  }

  public static func load(_ url: URL) throws -> [Case] {
    try JSONLines.decode(Case.self, from: url, what: "the author evaluation set", expected: #"{"question", "known", "authors"}"#)
  }

  /// Runs self-query on every case with `llm` (asked only where no author is named outright).
  public static func run(_ cases: [Case], llm: any LanguageModelClient) async throws -> (Summary, [Result]) {
    var results: [Result] = []
    var asked = 0
    for item in cases {
      let outcome = try await SelfQuery().run(question: item.question, authors: item.known, llm: llm)
      if outcome.modelAnswer != nil || outcome.promptTokens > 0 { asked += 1 }
      results.append(
        Result(
          question: item.question, known: item.known, expected: item.authors, found: outcome.authors,
          method: outcome.method, right: Set(outcome.authors) == Set(item.authors)))
    }
    let right = results.filter(\.right).count
    return (
      Summary(
        questions: cases.count, right: right, accuracy: cases.isEmpty ? 0 : Double(right) / Double(cases.count),
        askedTheModel: asked, model: llm.modelID),
      results
    )
  }
}
