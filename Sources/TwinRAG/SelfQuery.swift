import Foundation
import TwinCore

/// Self-query: which known authors a question is about, which become a search filter.
///
/// Names come first, without the LLM: an author the question names (case-, accent- and
/// order-insensitively: "Iusztin", "Paul I.", "paul iusztin") is found by matching, and
/// several named authors are all kept (an `IN` filter). A small model asked to pick among
/// known names tends to answer the first one whatever the question says, so it is asked only
/// when no author is named unambiguously (a first name two authors share, a partial name), and
/// its pick is kept only when the question does mention that author. Unlike the Handbook,
/// which creates a user for whatever name the model returns, only authors already in the
/// warehouse are ever picked.
public struct SelfQuery: Sendable {
  public static let templateVersion = "self-query@2"

  public init() {}

  /// What self-query decided, for the trace.
  public struct Outcome: Sendable, Codable, Hashable {
    /// The authors to filter on; empty for everyone.
    public var authors: [String]
    /// How they were found: `name` (matched in the question), `llm`, or `none`.
    public var method: String
    /// What the model returned, before the mention check (nil when it was not asked).
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
    let named = Self.namedAuthors(in: question, among: authors)
    guard named.isEmpty else {
      return Outcome(authors: named, method: "name", modelAnswer: nil, promptTokens: 0, completionTokens: 0)
    }
    guard !authors.isEmpty, authors.contains(where: { Self.mentions(question, author: $0) }) else {
      return Outcome(authors: [], method: "none", modelAnswer: nil, promptTokens: 0, completionTokens: 0)
    }
    let reply = try await llm.complete(
      CompletionRequest(
        messages: Self.messages(question: question, authors: authors), maxTokens: 48,
        responseFormat: .jsonSchema(name: "self_query", schema: Self.schema(authors: authors))))
    let picked: String?
    if let data = reply.text.data(using: .utf8),
      let object = try? JSONDecoder().decode([String: JSONValue].self, from: data), case .string(let name)? = object["author"]
    {
      picked = name
    } else {
      picked = nil
    }
    let accepted = picked.flatMap { name in authors.first { $0 == name } }.flatMap {
      Self.mentions(question, author: $0) ? $0 : nil
    }
    return Outcome(
      authors: accepted.map { [$0] } ?? [], method: accepted == nil ? "none" : "llm", modelAnswer: picked,
      promptTokens: reply.promptTokens, completionTokens: reply.completionTokens)
  }

  /// The authors `question` names unambiguously, in `authors`' order. An author is named by
  /// every part of the name in any order ("Iusztin Paul"), by a part of three letters or more
  /// that no other author's name has ("Iusztin"), or by a part with the initials of the rest
  /// ("Paul I."). Case, accents and a possessive 's are ignored.
  public static func namedAuthors(in question: String, among authors: [String]) -> [String] {
    let words = Set(Self.words(question))
    let initials = Self.initials(question)
    let parts = authors.map { Self.words($0).filter { $0.count >= 2 } }
    var counts: [String: Int] = [:]
    for name in parts { for part in Set(name) { counts[part, default: 0] += 1 } }
    return zip(authors, parts).compactMap { author, name in
      guard !name.isEmpty else { return nil }
      let found = name.filter { words.contains($0) }
      let initialled = name.filter { !words.contains($0) && $0.first.map(initials.contains) == true }
      let named =
        found.count == name.count
        || found.contains { $0.count >= 3 && counts[$0] == 1 }
        || (!found.isEmpty && found.count + initialled.count == name.count)
      return named ? author : nil
    }
  }

  /// Letters written as initials (`I.` in "Paul I."), lower-cased: a lone letter followed by a
  /// full stop, so the pronoun "I" is not one.
  static func initials(_ text: String) -> Set<Character> {
    let characters = Array(text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil))
    var found: Set<Character> = []
    for i in characters.indices.dropLast() where characters[i].isLetter && characters[i + 1] == "." {
      if i == 0 || !characters[i - 1].isLetter { found.insert(characters[i]) }
    }
    return found
  }

  /// Lower-cased, accent-free words of `text`, without possessive 's.
  static func words(_ text: String) -> [String] {
    text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
      .replacingOccurrences(of: "'s", with: "").replacingOccurrences(of: "\u{2019}s", with: "")
      .split(whereSeparator: { !$0.isLetter && $0 != "-" }).map(String.init)
  }

  /// Whether `question` names `author` at all: the full name, or any part of it of three
  /// letters or more, as a whole word, ignoring case, accents and a possessive 's. Weaker than
  /// ``namedAuthors(in:among:)``: a first name two authors share counts for both.
  public static func mentions(_ question: String, author: String) -> Bool {
    let words = Set(Self.words(question))
    let parts = Self.words(author)
    return (!parts.isEmpty && parts.allSatisfy(words.contains)) || parts.contains { $0.count >= 3 && words.contains($0) }
  }
}
