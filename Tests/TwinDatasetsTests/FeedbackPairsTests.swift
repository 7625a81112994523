import Foundation
import Testing
import TwinCore
import TwinDatasets

@Suite struct FeedbackPairsTests {
  func trace(_ id: String) -> Trace {
    Trace(
      id: id, name: "rag", startedAt: Date(), durationMilliseconds: 1, status: .ok, input: .object([:]),
      output: .object(["answer": .string("Traced answer.")]),
      spans: [
        TraceSpan(
          name: "generation", startedAt: Date(), durationMilliseconds: 1,
          input: .object([
            "messages": .array([
              .object(["role": .string("system"), "content": .string("Be kind.")]),
              .object(["role": .string("user"), "content": .string("Context… Question: why?")]),
            ])
          ]), output: .null)
      ])
  }

  @Test func correctionsBecomeChosenAndEachFeedbackIsUsedOnce() async throws {
    let feedback = [
      Feedback(id: 1, traceID: "t1", score: -1, correctedAnswer: "Better answer."),
      Feedback(id: 2, traceID: "t2", score: -1, correctedAnswer: "Another better answer."),
      Feedback(id: 3, traceID: "gone", score: -1, correctedAnswer: "Lost."),
      Feedback(id: 4, traceID: "t4", score: -1, correctedAnswer: "Traced answer."),
    ]
    let (samples, skipped) = try await FeedbackPairs.pairs(feedback: feedback, used: [2]) { id in
      id == "gone" ? nil : trace(id)
    }
    #expect(samples.count == 1)
    let pair = try #require(samples.first)
    #expect(pair.instruction == "Context… Question: why?")
    #expect(pair.answer == "Better answer.")
    #expect(pair.rejected == "Traced answer.")
    #expect(pair.source.feedbackID == 1)
    #expect(skipped.count == 2, "\(skipped)")
  }
}
