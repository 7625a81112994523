import Foundation
import Testing

/// `twin chat` as someone types into it: each line a turn, the whole conversation as context.
@Suite struct ChatCLITests {
  @Test func aConversationAnswersEachTurnAndEndsOnExit() async throws {
    let twin = try TwinProcess()
    let question = "What is the capital of France?"
    // The first turn is the same greedy generation as `twin generate` of the same question.
    let generated = try await twin.json(["generate", question, "--max-tokens", "24", "--temperature", "0"])
    let expected = try #require((generated as? [String: Any])?["text"] as? String)

    let chat = try await twin.run(
      ["chat", "--max-tokens", "24", "--temperature", "0"], input: "\(question)\nAnd of Italy?\n/exit\n")
    #expect(chat.status == 0, "twin chat failed: \(chat.stderr)")
    let answers = chat.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(chat.stdout.hasPrefix(expected + "\n"), "first answer: \(chat.stdout)")
    #expect(answers.count >= 3 && answers.last == "", "two answers, each ending its line: \(chat.stdout)")
    #expect(chat.stdout.count > expected.count + 2, "the second turn has an answer: \(chat.stdout)")
    // Two prompts ("> ") and a third before /exit.
    #expect(chat.stderr.components(separatedBy: "> ").count - 1 == 3, "prompts: \(chat.stderr)")
  }
}
