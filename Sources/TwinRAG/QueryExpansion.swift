import Foundation
import TwinCore

/// Query expansion: the LLM writes alternative phrasings of the question, so the search also
/// finds chunks worded differently. The model is given the question's text (the Handbook passes
/// the whole query object's repr, a bug) and must answer with a JSON list of exactly N strings.
public struct QueryExpansion: Sendable {
  public static let templateVersion = "query-expansion@1"

  public init() {}

  public struct Outcome: Sendable, Codable, Hashable {
    /// The original question first, then the distinct alternatives.
    public var queries: [String]
    public var promptTokens: Int
    public var completionTokens: Int
  }

  public static func schema(count: Int) -> JSONValue {
    .object([
      "type": "array",
      "items": .object(["type": "string", "minLength": .int(8), "maxLength": .int(200)]),
      "minItems": .int(count), "maxItems": .int(count),
    ])
  }

  public static func messages(question: String, count: Int) -> [ChatMessage] {
    [
      .system(
        """
        You are an AI language model assistant. Write \(count) different versions of the user's
        question, to retrieve relevant documents from a vector database. Each version looks at
        the question from another angle and keeps its meaning. Reply with a JSON list of strings.
        """),
      .user(question),
    ]
  }

  /// The question and up to `count` alternatives. `count` 0 skips the model.
  public func run(question: String, count: Int, llm: any LanguageModelClient) async throws -> Outcome {
    guard count > 0 else { return Outcome(queries: [question], promptTokens: 0, completionTokens: 0) }
    let reply = try await llm.complete(
      CompletionRequest(
        messages: Self.messages(question: question, count: count), maxTokens: 60 * count,
        responseFormat: .jsonSchema(name: "query_expansion", schema: Self.schema(count: count))))
    let alternatives = (try? JSONDecoder().decode([String].self, from: Data(reply.text.utf8))) ?? []
    var seen: Set<String> = [Self.key(question)]
    var queries = [question]
    for text in alternatives {
      let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
      if !trimmed.isEmpty, seen.insert(Self.key(trimmed)).inserted { queries.append(trimmed) }
    }
    return Outcome(queries: queries, promptTokens: reply.promptTokens, completionTokens: reply.completionTokens)
  }

  /// Phrasings that differ only in case, spacing or punctuation count as one.
  static func key(_ text: String) -> String {
    text.lowercased().filter { $0.isLetter || $0.isNumber || $0 == " " }
      .split(separator: " ").joined(separator: " ")
  }
}
