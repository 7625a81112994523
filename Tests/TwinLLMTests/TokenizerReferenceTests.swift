import Foundation
import Testing
import TwinGGUF
import TwinLLM

/// Ids must equal llama.cpp's for the same model file (fixtures made by
/// Fixtures/make_tokenizer_fixtures.py with llama-cpp-python).
@Suite struct TokenizerReferenceTests {
  struct Fixture: Decodable {
    struct Case: Decodable {
      var text: String
      var ids: [Int32]
      var ids_no_bos: [Int32]
      var ids_special: [Int32]
    }
    var models: [String: [Case]]
  }

  static let fixture: Fixture = {
    let data = try! Data(contentsOf: ModelFiles.fixture("tokenizer_ids.json"))
    return try! JSONDecoder().decode(Fixture.self, from: data)
  }()

  func check(_ model: (String, String)) throws {
    let tokenizer = try LLMTokenizer.load(from: try ModelFiles.open(model))
    let cases = try #require(Self.fixture.models[model.0])
    for c in cases {
      #expect(tokenizer.encode(c.text) == c.ids, "\(model.0): \(c.text.debugDescription)")
      #expect(tokenizer.encode(c.text, addSpecial: false) == c.ids_no_bos, "\(model.0) no BOS: \(c.text.debugDescription)")
      #expect(
        tokenizer.encode(c.text, parseSpecial: true) == c.ids_special, "\(model.0) special: \(c.text.debugDescription)")
      // Decoding what was encoded gives the text back (control tokens are not rendered).
      if !c.text.contains("<") {
        #expect(tokenizer.decode(c.ids_no_bos) == c.text, "\(model.0) round trip: \(c.text.debugDescription)")
      }
    }
  }

  @Test func smolLM2MatchesLlamaCpp() throws { try check(ModelFiles.smolLM2) }
  @Test func gemma3MatchesLlamaCpp() throws { try check(ModelFiles.gemma3) }

  @Test func referencePromptsFromTheIssue() throws {
    let gemma = try LLMTokenizer.load(from: try ModelFiles.open(ModelFiles.gemma3))
    #expect(gemma.encode("The capital of France is") == [2, 818, 5279, 529, 7001, 563])
    let smol = try LLMTokenizer.load(from: try ModelFiles.open(ModelFiles.smolLM2))
    #expect(smol.encode("The capital of France is") == [504, 3575, 282, 4649, 314])
    #expect(smol.endsGeneration(2))
  }
}
