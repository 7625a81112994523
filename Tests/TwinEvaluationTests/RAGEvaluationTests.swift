import Foundation
import Synchronization
import Testing
import TwinCore
import TwinEvaluation
import TwinLLM

@Suite struct RAGEvaluationTests {
  /// The judges' schemas are ones the in-process engine can constrain generation to.
  @Test func theJudgesSchemasCompileForTheEngine() throws {
    for schema in [Judge.schema, RAGJudge.schema] {
      _ = try JSONSchema(json: schema.canonicalJSON)
    }
  }

  @Test func contextPrecisionByHand() {
    // Relevant at ranks 1 and 3 of 4: (1/1 + 2/3) / 2.
    #expect(abs(RAGJudge.contextPrecision(relevant: [1, 3], count: 4) - (1 + 2.0 / 3) / 2) < 1e-12)
    // Relevant only at rank 2: (1/2) / 1.
    #expect(RAGJudge.contextPrecision(relevant: [2], count: 3) == 0.5)
    #expect(RAGJudge.contextPrecision(relevant: [], count: 3) == 0)
    #expect(RAGJudge.contextPrecision(relevant: [1, 2, 3], count: 3) == 1)
  }

  @Test func firstRelevantRankMatchesLinkEndings() {
    let links: [String?] = [nil, "https://site/a/x.html", "https://site/b/y.html"]
    #expect(RAGEvaluation.firstRelevantRank(links, expected: ["b/y.html", "a/x.html"]) == 2)
    #expect(RAGEvaluation.firstRelevantRank(links, expected: ["z.html"]) == nil)
    #expect(RAGEvaluation.firstRelevantRank(links, expected: [""]) == nil, "an empty expected link matches nothing")
  }

  @Test func aVerdictNamingAPassageThatWasNotGivenIsMalformed() throws {
    let reply = Completion(
      text: #"{"faithfulness": {"analysis": "", "score": 3}, "relevance": {"analysis": "", "score": 2}, "relevant_passages": [4]}"#,
      finishReason: .stop, promptTokens: 1, completionTokens: 1, model: "m")
    #expect(throws: LanguageModelError.self) { try RAGJudge.verdict(from: reply, passages: 3) }
    #expect(try RAGJudge.verdict(from: reply, passages: 4).relevantPassages == [4])
  }

  @Test func questionsFileErrorsNameTheLine() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("rag-\(UUID().uuidString).jsonl")
    defer { try? FileManager.default.removeItem(at: file) }
    try Data((#"{"question": "ok?", "expected_links": ["a"]}"# + "\n\n" + #"{"query": "wrong key"}"#).utf8).write(to: file)
    let error = #expect(throws: TwinError.self) { try RAGQuestion.load(file) }
    #expect(error.map { "\($0)".contains("line 3") } == true, "\(String(describing: error))")
    try Data(#"{"question": "ok?", "reference_answer": "yes"}"#.utf8).write(to: file)
    #expect(try RAGQuestion.load(file) == [RAGQuestion(question: "ok?", referenceAnswer: "yes")])
    #expect(throws: TwinError.self) { try RAGQuestion.load(file.appendingPathExtension("missing")) }
  }

  @Test func scoresRetrievalTheJudgeAndTheReference() async throws {
    let judge = ScriptedLLM(
      [],
      byPrompt: [
        "Question: q1": #"{"faithfulness": {"analysis": "", "score": 3}, "relevance": {"analysis": "", "score": 2}, "relevant_passages": [2]}"#,
        "Question: q2": "garbage",
      ])
    let evaluation = RAGEvaluation(judge: RAGJudge(llm: judge, retries: 1), concurrency: 2)
    let questions = [
      RAGQuestion(question: "q1", expectedLinks: ["good.html"], referenceAnswer: "the cat sat"),
      RAGQuestion(question: "q2", expectedLinks: ["absent.html"]),
      RAGQuestion(question: "q3"),
    ]
    let result = await evaluation.run(
      questions,
      answer: { question in
        if question == "q3" { throw TwinError.invalidInput("refused") }
        return RAGOutcome(
          answer: "the cat sat down",
          passages: [.init(link: "https://s/other.html", text: "one"), .init(link: "https://s/good.html", text: "two")])
      }, progress: SilentProgress())

    let (q1, q2, q3) = (result.questions[0], result.questions[1], result.questions[2])
    #expect(q1.scores[.hit] == 1 && q1.scores[.reciprocalRank] == 0.5)
    #expect(q1.scores[.faithfulness] == 3 && q1.scores[.answerRelevance] == 2 && q1.scores[.contextPrecision] == 0.5)
    #expect(q1.scores[.rougeL] == RougeL.score("the cat sat down", reference: "the cat sat"))
    #expect(q2.scores[.hit] == 0 && q2.scores[.reciprocalRank] == 0)
    #expect(q2.failure?.hasPrefix("judge:") == true && q2.scores[.faithfulness] == nil)
    #expect(q3.failure?.contains("refused") == true && q3.scores.isEmpty)
    #expect(result.summaries[.hit]?.mean == 0.5 && result.summaries[.hit]?.count == 2)
    #expect(result.summaries[.faithfulness]?.count == 1)
    // The judge was shown the passages in rank order, numbered.
    let prompt = judge.requests.withLock { $0.first { $0.messages.last?.content.contains("Question: q1") == true } }
    #expect(prompt?.messages.last?.content.contains("[1] one\n\n[2] two") == true)
  }
}
