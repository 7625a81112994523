import Foundation
import Testing
import TwinCore
import TwinLLM

struct ChatFixture: Decodable {
  struct Case: Decodable {
    var messages: [ChatMessage]
    var add_generation_prompt: Bool
    var rendered: String
  }
  var template: String
  var cases: [Case]
}

@Suite struct ChatTemplateTests {
  @Test func chatMLMatchesSmolLM2sOwnTemplate() throws {
    let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/chatml_smollm2.json")
    let fixture = try JSONDecoder().decode(ChatFixture.self, from: Data(contentsOf: url))
    let template = try ChatTemplate.detect(jinja: fixture.template)
    #expect(template == .chatML(defaultSystem: "You are a helpful AI assistant named SmolLM, trained by Hugging Face"))
    for c in fixture.cases {
      #expect(template.render(c.messages, addGenerationPrompt: c.add_generation_prompt) == c.rendered)
    }
  }

  @Test func gemmaFoldsTheSystemTurnIntoTheFirstUserTurn() throws {
    let template = try ChatTemplate.detect(jinja: "{{ bos_token }}…<start_of_turn>user…")
    #expect(template == .gemma)
    let text = template.render([.system("Be brief."), .user("  Hi there \n"), .assistant("Hello."), .user("Bye")])
    #expect(
      text
        == "<bos><start_of_turn>user\nBe brief.\n\nHi there<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n"
    )
    #expect(template.stopStrings == ["<end_of_turn>"])
  }

  @Test func llama3Headers() throws {
    let template = try ChatTemplate.detect(jinja: "<|start_header_id|>…")
    #expect(
      template.render([.user("Hi")])
        == "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
    )
  }

  @Test func baseModelsGetPlainTextAndUnknownTemplatesAreRefused() throws {
    #expect(try ChatTemplate.detect(jinja: nil) == .plain)
    #expect(ChatTemplate.plain.render([.system("Context."), .user("The capital of France is")]) == "Context.\n\nThe capital of France is")
    #expect(throws: ChatTemplateError.self) { try ChatTemplate.detect(jinja: "{{ '[INST] ' + message }}") }
  }
}
