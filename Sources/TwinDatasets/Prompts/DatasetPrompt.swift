import Foundation
import TwinCore

/// A versioned prompt template of the dataset pipeline: the id and version are recorded in
/// each dataset's lineage, and bumping the version invalidates cached generations.
public struct DatasetPrompt: Sendable, Hashable {
  /// `instruct.backtranslate`, `preference.generate`, …
  public var id: String
  public var version: Int
  public var system: String
  /// The user turn, with `{extract}` and `{author}` filled in.
  public var user: String
  /// The reply's JSON schema (nil: free text).
  public var schema: JSONValue?

  /// `id@version`.
  public var label: String { "\(id)@\(version)" }

  /// The messages for one extract.
  public func messages(for extract: Extract) -> [ChatMessage] {
    let filled = user.replacingOccurrences(of: "{author}", with: extract.authorFullName)
      .replacingOccurrences(of: "{extract}", with: extract.text)
    return [.system(system), .user(filled)]
  }

  /// The response format the reply must follow.
  public var responseFormat: ResponseFormat {
    schema.map { .jsonSchema(name: id.replacingOccurrences(of: ".", with: "_"), schema: $0) } ?? .text
  }

  /// The template for `kind` built by `strategy`.
  public static func template(kind: DatasetKind, strategy: DatasetStrategy) -> DatasetPrompt {
    switch (kind, strategy) {
    case (.instruct, .generate): instructGenerate
    case (.preference, .generate): preferenceGenerate
    case (_, .backtranslate): backtranslate
    }
  }

  /// The Handbook's samples per extract.
  public static let samplesPerExtract = 5

  /// Back-translation: the instruction to which the extract is the answer.
  public static let backtranslate = DatasetPrompt(
    id: "backtranslate", version: 1,
    system: """
      You write training data. Given a passage someone wrote, you write the one instruction a \
      reader could give to which that passage is the ideal answer. The instruction must be \
      self-contained: it asks about the passage's specific topic in the reader's words, and never \
      mentions a passage, an extract, a text, an author or a context. Reply with JSON only.
      """,
    user: """
      Passage by {author}:
      \"\"\"
      {extract}
      \"\"\"

      Write the instruction this passage answers, as {"instruction": "..."}.
      """,
    schema: .object([
      "type": .string("object"),
      "properties": .object(["instruction": .object(["type": .string("string"), "minLength": .int(10), "maxLength": .int(300)])]),
      "required": .array([.string("instruction")]),
      "additionalProperties": .bool(false),
    ]))

  /// The Handbook's instruction-dataset prompt, with the extract in it.
  public static let instructGenerate = DatasetPrompt(
    id: "instruct.generate", version: 1,
    system: "You write training data for a language model. Reply with JSON only.",
    user: """
      Based on the following extract, generate \(samplesPerExtract) instruction-answer pairs. Each \
      instruction must ask to write about a specific topic contained in the context. Each answer \
      must provide a relevant paragraph based on the information found in the context. Only use \
      concepts from the context to generate the instructions. Instructions must never explicitly \
      mention a context, a system, a course, or an extract. Instructions must be self-contained \
      and general. Answers must imitate the writing style of the context.

      Extract:
      {extract}

      Reply as {"pairs": [{"instruction": "...", "answer": "..."}, ...]}.
      """,
    schema: pairsSchema(name: "pairs", fields: ["instruction", "answer"]))

  /// The Handbook's preference-dataset prompt, with the extract in it.
  public static let preferenceGenerate = DatasetPrompt(
    id: "preference.generate", version: 1,
    system: "You write training data for a language model. Reply with JSON only.",
    user: """
      Based on the following extract, generate \(samplesPerExtract) instruction-answer triples. \
      Each triple has an instruction, a generic "rejected" answer, and a "chosen" answer taken \
      from the extract. The instruction must ask about a specific topic of the extract, be \
      self-contained, and never mention a context, a system, a course, or an extract. The chosen \
      answer must be copied from the extract, in its words and style; the rejected answer is a \
      plain, generic answer to the same instruction.

      Extract:
      {extract}

      Reply as {"triples": [{"instruction": "...", "rejected": "...", "chosen": "..."}, ...]}.
      """,
    schema: pairsSchema(name: "triples", fields: ["instruction", "rejected", "chosen"]))

  /// What the base model is asked for a back-translated preference pair's `rejected` answer:
  /// its own answer to the instruction, as it would give it untrained.
  public static let rejectedAnswer = DatasetPrompt(
    id: "preference.rejected", version: 1, system: "You are a helpful assistant.", user: "{instruction}", schema: nil)

  /// `{"<name>": [{field: string, …}, …]}` with 1…5 items.
  static func pairsSchema(name: String, fields: [String]) -> JSONValue {
    let item: JSONValue = .object([
      "type": .string("object"),
      "properties": .object(
        Dictionary(uniqueKeysWithValues: fields.map { ($0, JSONValue.object(["type": .string("string"), "minLength": .int(1)])) })),
      "required": .array(fields.map(JSONValue.string)),
      "additionalProperties": .bool(false),
    ])
    return .object([
      "type": .string("object"),
      "properties": .object([
        name: .object(["type": .string("array"), "items": item, "minItems": .int(1), "maxItems": .int(samplesPerExtract)])
      ]),
      "required": .array([.string(name)]),
      "additionalProperties": .bool(false),
    ])
  }
}
