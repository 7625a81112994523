import Foundation
import Testing
import TwinGGUF
import TwinCore
import TwinLLM

/// Constrained generation with a real model (SmolLM2) on 50 schemas: every output must parse
/// and validate. The validator here is independent of the engine's matcher: it reads the
/// schema's JSON itself.
@Suite(.serialized) struct ConstrainedGenerationTests {
  /// 50 schemas: the shapes RAG and dataset generation ask for, and the JSON types combined.
  static var cases: [(prompt: String, schema: String)] {
    var cases: [(String, String)] = [
      (
        "Extract the author from: 'What did Paul Iusztin write about RAG?'",
        #"{"type":"object","properties":{"author":{"type":["string","null"]}},"required":["author"]}"#
      ),
      (
        "Write three search queries about vector databases.",
        #"{"type":"object","properties":{"queries":{"type":"array","items":{"type":"string","maxLength":80},"minItems":3,"maxItems":3}},"required":["queries"]}"#
      ),
      (
        "Write an instruction and its answer about chunking text.",
        #"{"type":"object","properties":{"instruction":{"type":"string","maxLength":200},"answer":{"type":"string","maxLength":300}},"required":["instruction","answer"]}"#
      ),
      (
        "Score this answer for accuracy and style from 1 to 3: 'RAG retrieves documents.'",
        #"{"type":"object","properties":{"accuracy":{"enum":[1,2,3]},"style":{"enum":[1,2,3]},"analysis":{"type":"string","maxLength":120}},"required":["accuracy","style","analysis"]}"#
      ),
    ]
    let scalars = [
      #"{"type":"string","maxLength":40}"#, #"{"type":"integer"}"#, #"{"type":"number"}"#, #"{"type":"boolean"}"#,
      #"{"enum":["low","medium","high"]}"#, #"{"type":["integer","null"]}"#,
    ]
    let topics = ["a cat", "the weather", "Swift", "a city", "music", "coffee", "the sea", "a book"]
    var i = 0
    while cases.count < 50 {
      let a = scalars[i % scalars.count]
      let b = scalars[(i / scalars.count + i + 1) % scalars.count]
      let topic = topics[i % topics.count]
      switch i % 4 {
      case 0:
        cases.append(("Describe \(topic) as JSON.", #"{"type":"object","properties":{"x":\#(a),"y":\#(b)},"required":["x","y"]}"#))
      case 1:
        cases.append(("List facts about \(topic) as JSON.", #"{"type":"array","items":\#(a),"minItems":1,"maxItems":4}"#))
      case 2:
        cases.append(
          (
            "Give a nested JSON record about \(topic).",
            #"{"type":"object","properties":{"item":{"type":"object","properties":{"v":\#(a)},"required":["v"]},"list":{"type":"array","items":\#(b),"maxItems":2}},"required":["item","list"]}"#
          ))
      default:
        cases.append(("Answer with one JSON value about \(topic).", a))
      }
      i += 1
    }
    return cases
  }

  @Test func fiftySchemasAlwaysParseAndValidate() async throws {
    let file = try ModelFiles.open(ModelFiles.smolLM2)
    let tokenizer = try LLMTokenizer.load(from: file)
    let generator = TextGenerator(model: try DecoderModels.load(file), tokenizer: tokenizer, contextLength: 512)
    let cases = Self.cases
    #expect(cases.count == 50)
    for (n, (prompt, schemaText)) in cases.enumerated() {
      let schema = try JSONSchema(json: schemaText)
      let constraint = JSONConstraint(schema: schema, tokenizer: tokenizer)
      let chat = ChatTemplate.chatML(defaultSystem: nil).render([
        ChatMessage(role: .system, content: "Reply with JSON only."), ChatMessage(role: .user, content: prompt),
      ])
      let request = GenerationRequest(
        prompt: tokenizer.encode(chat, parseSpecial: true), maxTokens: 160,
        sampling: SamplingParameters(temperature: n.isMultiple(of: 2) ? 0 : 0.8, seed: UInt64(n)))
      // The async API generates off the cooperative pool.
      let output = try await generator.generate(
        request, allowedTokens: { constraint.allowedTokens(after: $0) }, onToken: { _ in })
      let parsed = try? JSONDecoder().decode(JSON.self, from: Data(output.text.utf8))
      let schemaObject = try JSONDecoder().decode(JSON.self, from: Data(schemaText.utf8))
      #expect(parsed != nil, "case \(n): \(output.text.debugDescription) does not parse (\(output.finishReason))")
      if let parsed {
        let problem = Self.validate(parsed, against: schemaObject)
        #expect(problem == nil, "case \(n): \(output.text) — \(problem ?? "")")
      }
    }
  }

  /// A JSON value, decoded independently of the engine.
  indirect enum JSON: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSON]), object([String: JSON])

    init(from decoder: Decoder) throws {
      let c = try decoder.singleValueContainer()
      if c.decodeNil() { self = .null }
      else if let b = try? c.decode(Bool.self) { self = .bool(b) }
      else if let d = try? c.decode(Double.self) { self = .number(d) }
      else if let s = try? c.decode(String.self) { self = .string(s) }
      else if let a = try? c.decode([JSON].self) { self = .array(a) }
      else { self = .object(try c.decode([String: JSON].self)) }
    }

    var object: [String: JSON]? { if case .object(let o) = self { o } else { nil } }
    var array: [JSON]? { if case .array(let a) = self { a } else { nil } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var int: Int? { if case .number(let d) = self, d.rounded() == d { Int(d) } else { nil } }
  }

  /// A small, independent JSON Schema check of the keywords the cases use; nil when valid.
  static func validate(_ value: JSON, against schema: JSON) -> String? {
    guard let schema = schema.object else { return nil }
    if let options = schema["enum"]?.array {
      return options.contains(value) ? nil : "\(value) is not in the enum"
    }
    let types = schema["type"]?.array?.compactMap(\.string) ?? schema["type"]?.string.map { [$0] } ?? []
    if !types.isEmpty && !types.contains(where: { isType(value, $0) }) { return "\(value) is not \(types)" }
    if case .string(let string) = value, let max = schema["maxLength"]?.int, string.count > max {
      return "string longer than \(max)"
    }
    if case .array(let array) = value {
      if let min = schema["minItems"]?.int, array.count < min { return "fewer than \(min) items" }
      if let max = schema["maxItems"]?.int, array.count > max { return "more than \(max) items" }
      for item in array { if let p = validate(item, against: schema["items"] ?? .object([:])) { return p } }
    }
    if case .object(let object) = value {
      let properties = schema["properties"]?.object ?? [:]
      for key in schema["required"]?.array?.compactMap(\.string) ?? [] where object[key] == nil { return "missing \(key)" }
      for (key, item) in object {
        guard let sub = properties[key] else { return "unexpected key \(key)" }
        if let p = validate(item, against: sub) { return p }
      }
    }
    return nil
  }

  static func isType(_ value: JSON, _ type: String) -> Bool {
    switch (type, value) {
    case ("string", .string), ("boolean", .bool), ("null", .null), ("array", .array), ("object", .object),
      ("number", .number):
      return true
    case ("integer", .number(let d)): return d.rounded() == d
    default: return false
    }
  }
}
