import Foundation
import TwinCore

/// An LLM judge that scores an answer's accuracy and style from 1 to 3 with the Handbook's
/// criteria, under a JSON schema so the verdict never has to be dug out of prose.
///
/// The judge is any model behind the LLM port. A verdict that is not valid JSON, breaks the
/// schema or gives a score outside 1…3 is asked for again (at a higher temperature, so it can
/// come out differently); after the last attempt the answer is counted as unjudged, with the
/// reason, and the evaluation goes on.
public struct Judge: Sendable {
  public let llm: any LanguageModelClient
  /// Further attempts after a malformed verdict.
  public var retries: Int
  /// Tokens a verdict may take (two short analyses and two scores).
  public var maxTokens: Int

  public init(llm: any LanguageModelClient, retries: Int = 2, maxTokens: Int = 384) {
    self.llm = llm
    self.retries = retries
    self.maxTokens = maxTokens
  }

  /// One criterion's verdict.
  public struct Criterion: Sendable, Hashable, Codable {
    public var analysis: String
    /// 1 (poor), 2 (good) or 3 (excellent).
    public var score: Int
  }

  /// The judge's verdict on one answer.
  public struct Verdict: Sendable, Hashable, Codable {
    public var accuracy: Criterion
    public var style: Criterion
  }

  /// A verdict the judge never gave validly.
  public struct Failure: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var attempts: Int
    /// The last attempt's problem.
    public var reason: String

    public var description: String { "no valid verdict after \(attempts) attempts: \(reason)" }
  }

  /// The verdict's JSON schema: both criteria, each an analysis and an integer score 1…3.
  public static let schema: JSONValue = {
    let criterion: JSONValue = [
      "type": "object",
      "properties": [
        "analysis": ["type": "string", "maxLength": 400],
        "score": ["type": "integer", "enum": [1, 2, 3]],
      ],
      "required": ["analysis", "score"],
      "additionalProperties": false,
    ]
    return [
      "type": "object", "properties": ["accuracy": criterion, "style": criterion], "required": ["accuracy", "style"],
      "additionalProperties": false,
    ]
  }()

  static let system = """
    You are a helpful assistant who evaluates answers based on accuracy and style. Provide your \
    response in JSON format with a short analysis and score for each criterion.
    """

  /// The Handbook's judge prompt, with the author's own answer given as the reference for
  /// accuracy (a small judge cannot be the "technical expert" the Handbook's prompt asks for).
  static func prompt(instruction: String, answer: String, reference: String?) -> String {
    var text = """
      You are an expert judge. Please evaluate the quality of a given answer to an instruction \
      based on two criteria:
      1. Accuracy: How factually correct is the information presented in the answer? You are a \
      technical expert in this topic.
      2. Style: Is the tone and writing style appropriate for a blog post or social media \
      content? It should use simple but technical words and avoid formal or academic language.

      Accuracy scale:
      1 (Poor): Contains factual errors or misleading information
      2 (Good): Mostly accurate with minor errors or omissions
      3 (Excellent): Highly accurate and comprehensive

      Style scale:
      1 (Poor): Too formal, uses some overly complex words
      2 (Good): Good balance of technical content and accessibility, but still uses formal words \
      and expressions
      3 (Excellent): Perfectly accessible language for blog/social media, uses simple but precise \
      technical terms when necessary

      Example of bad style: The Llama2 7B model constitutes a noteworthy progression in the field \
      of artificial intelligence, serving as the successor to its predecessor, the original Llama \
      architecture.
      Example of excellent style: Llama2 7B outperforms the original Llama model across multiple \
      benchmarks.

      Instruction: \(instruction)

      Answer: \(answer)

      """
    if let reference {
      text += "\nReference answer, by the author (judge accuracy against it): \(reference)\n"
    }
    text += """

      Provide your evaluation in JSON format with the following structure:
      {"accuracy": {"analysis": "...", "score": 0}, "style": {"analysis": "...", "score": 0}}
      """
    return text
  }

  /// Scores `answer`; never throws: a judge that fails is a ``Failure``.
  public func judge(instruction: String, answer: String, reference: String?) async -> Result<Verdict, Failure> {
    await Self.ask(
      llm, system: Self.system, prompt: Self.prompt(instruction: instruction, answer: answer, reference: reference),
      schema: Self.schema, named: "verdict", maxTokens: maxTokens, retries: retries, read: Self.verdict(from:))
  }

  /// Asks `llm` for a schema-constrained reply and reads it with `read`, asking again (at a
  /// higher temperature) while the reply is malformed; the one retry policy every judge uses.
  static func ask<Reply>(
    _ llm: any LanguageModelClient, system: String, prompt: String, schema: JSONValue, named name: String, maxTokens: Int,
    retries: Int, read: (Completion) throws -> Reply
  ) async -> Result<Reply, Failure> {
    var reason = ""
    for attempt in 0...retries {
      if Task.isCancelled { return .failure(Failure(attempts: attempt, reason: "cancelled")) }
      let request = CompletionRequest(
        messages: [.system(system), .user(prompt)], maxTokens: maxTokens, temperature: attempt == 0 ? 0 : 0.7,
        seed: UInt64(attempt), responseFormat: .jsonSchema(name: name, schema: schema))
      do {
        return .success(try read(try await llm.complete(request)))
      } catch {
        reason = "\(error)"
      }
    }
    return .failure(Failure(attempts: retries + 1, reason: reason))
  }

  /// Reads and checks a verdict: JSON of the schema's shape, scores in 1…3.
  ///
  /// - Throws: ``LanguageModelError`` naming what is wrong.
  public static func verdict(from reply: Completion) throws -> Verdict {
    let verdict = try reply.decodeJSON(Verdict.self)
    for (name, criterion) in [("accuracy", verdict.accuracy), ("style", verdict.style)] where !(1...3).contains(criterion.score) {
      throw LanguageModelError.malformedReply("the \(name) score \(criterion.score) is not 1, 2 or 3")
    }
    return verdict
  }
}
