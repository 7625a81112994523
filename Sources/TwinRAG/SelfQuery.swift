import Foundation
import TwinCore

/// Self-query: the LLM reads the question and names the author it is about, which becomes a
/// search filter.
///
/// Unlike the Handbook, which creates a user for whatever name the model returns, this only
/// ever picks an author already in the warehouse: the schema limits the model's answer to the
/// known names (or null), and the pick is kept only when the question really mentions that
/// author, so a small model's guess never becomes a filter.
public struct SelfQuery: Sendable {
  public static let templateVersion = "self-query@1"

  public init() {}

  /// What self-query decided, for the trace.
  public struct Outcome: Sendable, Codable, Hashable {
    /// The author to filter on, or nil for everyone.
    public var author: String?
    /// What the model returned, before the mention check.
    public var modelAnswer: String?
    public var promptTokens: Int
    public var completionTokens: Int
  }

  /// The schema of the model's answer: `{"author": <one of the known names> | null}`.
  public static func schema(authors: [String]) -> JSONValue {
    .object([
      "type": "object",
      "properties": .object([
        "author": .object(["anyOf": .array([.object(["enum": .array(authors.map(JSONValue.string))]), .object(["type": "null"])])])
      ]),
      "required": .array(["author"]),
    ])
  }

  public static func messages(question: String, authors: [String]) -> [ChatMessage] {
    [
      .system(
        """
        You extract metadata from a question. Known authors: \(authors.joined(separator: "; ")).
        If the question is about or names one of these authors, answer with that author's name;
        otherwise answer null. Reply with JSON: {"author": name or null}.
        """),
      .user(question),
    ]
  }

  public func run(question: String, authors: [String], llm: any LanguageModelClient) async throws -> Outcome {
    guard !authors.isEmpty else { return Outcome(author: nil, modelAnswer: nil, promptTokens: 0, completionTokens: 0) }
    let reply = try await llm.complete(
      CompletionRequest(
        messages: Self.messages(question: question, authors: authors), maxTokens: 48,
        responseFormat: .jsonSchema(name: "self_query", schema: Self.schema(authors: authors))))
    let named: String?
    if let data = reply.text.data(using: .utf8),
      let object = try? JSONDecoder().decode([String: JSONValue].self, from: data), case .string(let name)? = object["author"]
    {
      named = name
    } else {
      named = nil
    }
    let accepted = named.flatMap { name in authors.first { $0 == name } }.flatMap {
      Self.mentions(question, author: $0) ? $0 : nil
    }
    return Outcome(
      author: accepted, modelAnswer: named, promptTokens: reply.promptTokens, completionTokens: reply.completionTokens)
  }

  /// Whether `question` names `author`: the full name, or any part of it of three letters or
  /// more, as a whole word, ignoring case and a possessive 's.
  public static func mentions(_ question: String, author: String) -> Bool {
    let lowered = question.lowercased()
    if lowered.contains(author.lowercased()) { return true }
    let words = Set(
      lowered.replacingOccurrences(of: "'s", with: "").replacingOccurrences(of: "\u{2019}s", with: "")
        .split(whereSeparator: { !$0.isLetter && $0 != "-" }).map(String.init))
    return author.lowercased().split(whereSeparator: { !$0.isLetter && $0 != "-" }).contains { part in
      part.count >= 3 && words.contains(String(part))
    }
  }
}
