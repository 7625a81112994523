import Foundation
import Testing
import TwinCore
import TwinLLM
import TwinTestSupport

/// `json_object` mode cannot run on inside one key or string, and a reply cut off by
/// `max_tokens` is reported as truncated, on the real model (SmolLM2).
@Suite(.serialized) struct JSONModeLimitsTests {
  func model(_ limits: JSONLengthLimits) throws -> LocalLanguageModel {
    try LocalLanguageModel(
      url: try PulledModels.file(ModelFiles.smolLM2.0, ModelFiles.smolLM2.1), contextLength: 512, maxBatch: 2,
      jsonLimits: limits)
  }

  /// The keys and the string values in JSON text, complete or cut off: every quoted run, a key
  /// when a colon follows it.
  func texts(_ json: String) throws -> (keys: [String], strings: [String]) {
    let quoted = try Regex(#""((?:[^"\\]|\\.)*)"(:?)"#)
    var keys: [String] = []
    var strings: [String] = []
    for match in json.matches(of: quoted) {
      let text = String(match.output[1].substring ?? "")
      if match.output[2].substring?.isEmpty == false { keys.append(text) } else { strings.append(text) }
    }
    return (keys, strings)
  }

  @Test func keysAndStringsStayWithinTheLimits() async throws {
    let llm = try model(JSONLengthLimits(stringCharacters: 24, keyCharacters: 6))
    let prompts = [
      "Describe a long rainy afternoon in Paris in great detail, as JSON.",
      "Give me a JSON object whose keys are very long descriptive sentences about cats.",
    ]
    for prompt in prompts {
      let reply = try await llm.complete(
        CompletionRequest(messages: [.user(prompt)], maxTokens: 300, responseFormat: .jsonObject))
      // Decoded where it finished; checked on its text either way (a reply that runs out of
      // tokens making key after key is reported truncated, never as valid JSON).
      if reply.finishReason == .stop { _ = try reply.decodeJSON(JSONValue.self) }
      #expect(String(decoding: reply.text.utf8, as: UTF8.self) == reply.text)
      #expect(!reply.text.contains("\u{FFFD}"), "valid UTF-8 throughout: \(reply.text)")
      let (keys, strings) = try texts(reply.text)
      #expect(!keys.isEmpty)
      #expect(keys.allSatisfy { $0.count <= 6 }, "\(keys)")
      #expect(strings.allSatisfy { $0.count <= 24 }, "\(strings)")
    }
  }

  @Test func aReplyCutOffByMaxTokensIsTruncatedNotValid() async throws {
    let llm = try model(JSONLengthLimits())
    let reply = try await llm.complete(
      CompletionRequest(messages: [.user("Describe Paris as JSON.")], maxTokens: 4, responseFormat: .jsonObject))
    #expect(reply.finishReason == .length)
    #expect(throws: LanguageModelError.self) { try reply.decodeJSON(JSONValue.self) }
    do {
      _ = try reply.decodeJSON(JSONValue.self)
    } catch {
      guard case .truncated(let why) = error else { Issue.record("expected truncated, got \(error)"); return }
      #expect(why.contains("max_tokens"))
    }
  }
}
