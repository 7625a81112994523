import Foundation
import Synchronization
import Testing
import TwinCore
import TwinEvaluation

/// A language model that replies from a script, in order, and records what it was asked.
final class ScriptedLLM: LanguageModelClient {
  let modelID = "scripted"
  private let replies: Mutex<[String]>
  let requests = Mutex<[CompletionRequest]>([])
  /// Replies for prompts containing a key, before the script.
  let byPrompt: [String: String]

  init(_ replies: [String], byPrompt: [String: String] = [:]) {
    self.replies = Mutex(replies)
    self.byPrompt = byPrompt
  }

  func complete(_ request: CompletionRequest, onText: (@Sendable (String) -> Bool)?) async throws -> Completion {
    requests.withLock { $0.append(request) }
    let prompt = request.messages.last?.content ?? ""
    if let reply = byPrompt.first(where: { prompt.contains($0.key) })?.value {
      return Completion(text: reply, finishReason: .stop, promptTokens: 1, completionTokens: 1, model: modelID)
    }
    let text = replies.withLock { $0.isEmpty ? "" : $0.removeFirst() }
    return Completion(text: text, finishReason: .stop, promptTokens: 1, completionTokens: 1, model: modelID)
  }
}

@Suite struct JudgeTests {
  static let valid = #"{"accuracy": {"analysis": "right", "score": 3}, "style": {"analysis": "formal", "score": 1}}"#

  @Test func asksUnderTheSchemaAndReadsTheVerdict() async throws {
    let llm = ScriptedLLM([Self.valid])
    let verdict = try await Judge(llm: llm).judge(instruction: "What is RAG?", answer: "Retrieval.", reference: "Retrieval first.")
      .get()
    #expect(verdict.accuracy.score == 3 && verdict.style.score == 1)
    let request = try #require(llm.requests.withLock { $0.first })
    guard case .jsonSchema(_, let schema) = request.responseFormat else {
      Issue.record("the judge must ask for its JSON schema")
      return
    }
    #expect(schema == Judge.schema)
    #expect(request.messages.last?.content.contains("Instruction: What is RAG?") == true)
    #expect(request.messages.last?.content.contains("Retrieval first.") == true)
  }

  @Test func aMalformedVerdictIsAskedAgain() async throws {
    let llm = ScriptedLLM(["not json", #"{"accuracy": {"analysis": "", "score": 7}, "style": {"analysis": "", "score": 2}}"#, Self.valid])
    let verdict = try await Judge(llm: llm, retries: 2).judge(instruction: "q", answer: "a", reference: nil).get()
    #expect(verdict.accuracy.score == 3)
    let temperatures = llm.requests.withLock { $0.map(\.temperature) }
    #expect(temperatures == [0, 0.7, 0.7])
  }

  @Test func garbageEveryTimeIsAFailureWithTheReason() async {
    let llm = ScriptedLLM(["{}", "garbage", #"{"accuracy": {"analysis": "", "score": 0}, "style": {"analysis": "", "score": 2}}"#])
    let result = await Judge(llm: llm, retries: 2).judge(instruction: "q", answer: "a", reference: nil)
    guard case .failure(let failure) = result else {
      Issue.record("garbage must not become a verdict")
      return
    }
    #expect(failure.attempts == 3)
    #expect(failure.reason.contains("score 0"))
  }

  @Test func aTruncatedVerdictIsNotRead() {
    let reply = Completion(text: #"{"accuracy": {"analysis": "long"#, finishReason: .length, promptTokens: 1, completionTokens: 384, model: "m")
    #expect(throws: LanguageModelError.self) { try Judge.verdict(from: reply) }
  }
}

/// Embeds each text as counts of a few marker words, so similarities are known in advance.
struct MarkerEmbedder: TextEmbedder {
  let modelID = "markers"
  let markers = ["alpha", "beta", "gamma"]
  var dimension: Int { markers.count }
  let maxContentTokens = 512
  func tokenCount(_ text: String) -> Int { text.split(separator: " ").count }
  func embed(_ texts: [String]) async throws -> [[Float]] {
    texts.map { text in markers.map { m in Float(text.lowercased().components(separatedBy: m).count - 1) } }
  }
}

@Suite struct ModelEvaluationTests {
  @Test func scoresEachAnswerAndSummarises() async throws {
    let cases = [
      EvaluationCase(instruction: "q1", reference: "alpha alpha", author: "ann"),
      EvaluationCase(instruction: "q2", reference: "beta", author: "bob"),
    ]
    // The model answers q1 like Ann and q2 off-topic; the judge gives 3/2 then garbage.
    let model = ScriptedLLM([], byPrompt: ["q1": "alpha", "q2": "gamma"])
    let judge = ScriptedLLM(
      [], byPrompt: ["Answer: alpha": JudgeTests.valid, "Answer: gamma": "garbage"])
    let evaluation = ModelEvaluation(embedder: MarkerEmbedder(), judge: Judge(llm: judge, retries: 1), concurrency: 2)
    let candidate = CandidateModel(label: "m@1", llm: model, perplexity: { _, reference in Double(reference.count) })
    let result = try #require(try await evaluation.run([candidate], cases: cases).first)
    #expect(result.answers.map(\.answer) == ["alpha", "gamma"])
    #expect(result.answers[0].scores[.similarity] == 1)
    #expect(result.answers[1].scores[.similarity] == 0)
    #expect(result.answers[0].scores[.rougeL].map { abs($0 - 2.0 / 3.0) < 1e-12 } == true)
    #expect(result.answers[0].scores[.styleMatch] == 1)  // cos to Ann 1, to Bob 0
    #expect(result.answers[0].scores[.perplexity] == 11)
    #expect(result.answers[0].scores[.accuracy] == 3)
    #expect(result.answers[1].scores[.accuracy] == nil)
    #expect(result.judgeFailures == 1)
    #expect(result.summaries[.accuracy]?.count == 1)
    #expect(result.summaries[.perplexity]?.mean == 7.5)
  }

  @Test func noQuestionIsAnError() async {
    let evaluation = ModelEvaluation(embedder: MarkerEmbedder(), judge: nil)
    await #expect(throws: TwinError.self) {
      try await evaluation.run([CandidateModel(label: "m", llm: ScriptedLLM([]), perplexity: nil)], cases: [])
    }
  }
}
