import Foundation
import Testing
import TwinCore
import TwinDatasets

@Suite struct SampleGeneratorTests {
  func extracts(_ n: Int) -> [Extract] {
    (0..<n).map {
      Extract(
        documentID: UUID(), category: .articles, authorFullName: "Ada Lovecraft", title: nil,
        text: "# Heading \($0)\n\nPassage \($0): vectors are cheap to store but expensive to search well.")
    }
  }

  func settings(concurrency: Int = 4, retries: Int = 2) -> GenerationSettings {
    var s = GenerationSettings()
    s.concurrency = concurrency
    s.retries = retries
    return s
  }

  @Test func backtranslationKeepsTheAuthorsPassageAsTheAnswer() async throws {
    let teacher = ScriptedLanguageModel { request, _ in
      #expect(request.responseFormat != .text, "the instruction is asked for as schema-constrained JSON")
      return .instruction("Why is vector search expensive? \(passage(in: request).prefix(12))")
    }
    let generator = SampleGenerator(kind: .instruct, strategy: .backtranslate, teacher: teacher, base: teacher, settings: settings())
    let input = extracts(3)
    let outcome = try await generator.run(input, progress: SilentProgress())
    #expect(outcome.failures.isEmpty)
    #expect(outcome.samples.count == 3)
    for (sample, extract) in zip(outcome.samples, input) {
      #expect(sample.extractID == extract.id, "samples come back in extract order")
      #expect(extract.text.hasSuffix(sample.answer), "the answer is the passage, without its heading")
      #expect(!sample.answer.hasPrefix("#"))
      #expect(sample.rejected == nil)
    }
    // The prompt carries the extract itself (the Handbook's prompts once did not).
    #expect(teacher.requests.allSatisfy { passage(in: $0).contains("vectors are cheap") })
  }

  @Test func preferencePairsTakeTheBaseModelsOwnAnswerAsRejected() async throws {
    let teacher = ScriptedLanguageModel("teacher") { _, _ in .instruction("How should I store vectors cheaply?") }
    let base = ScriptedLanguageModel("base") { request, _ in
      #expect(request.messages.last?.content == "How should I store vectors cheaply?")
      return .text("Use a database.")
    }
    let generator = SampleGenerator(kind: .preference, strategy: .backtranslate, teacher: teacher, base: base, settings: settings())
    let outcome = try await generator.run(extracts(2), progress: SilentProgress())
    #expect(outcome.samples.map(\.rejected) == ["Use a database.", "Use a database."])
    #expect(base.calls == 2)
  }

  @Test func aFailingPromptIsRetriedThenRecordedWithoutStoppingTheRun() async throws {
    // Extract 0's first reply is garbage, its retry is good; extract 1 always truncates.
    let teacher = ScriptedLanguageModel { request, _ in
      let text = passage(in: request)
      if text.contains("Passage 1") { return .text("{\"instruction\": \"Why is", finish: .length) }
      if text.contains("Passage 0"), request.temperature == 0 { return .text("not json") }
      return .instruction("What makes vector search costly?")
    }
    let generator = SampleGenerator(
      kind: .instruct, strategy: .backtranslate, teacher: teacher, base: teacher, settings: settings(retries: 2))
    let input = extracts(3)
    let outcome = try await generator.run(input, progress: SilentProgress())
    #expect(outcome.samples.map(\.extractID) == [input[0].id, input[2].id])
    #expect(outcome.failures.count == 1)
    let failure = try #require(outcome.failures.first)
    #expect(failure.extractID == input[1].id)
    #expect(failure.attempts == 3)
    #expect(failure.reason.contains("truncated"), "\(failure.reason)")
    #expect(teacher.calls == 2 + 3 + 1)
  }

  @Test func generationKeepsSeveralPromptsInFlight() async throws {
    let teacher = ScriptedLanguageModel(delay: .milliseconds(20)) { _, _ in .instruction("What is a vector index for?") }
    let generator = SampleGenerator(
      kind: .instruct, strategy: .backtranslate, teacher: teacher, base: teacher, settings: settings(concurrency: 4))
    _ = try await generator.run(extracts(12), progress: SilentProgress())
    #expect(teacher.maxInFlight == 4)
  }

  @Test func theHandbookStrategyParsesPairsAndTriples() async throws {
    let pairs = ScriptedLanguageModel { _, _ in
      .text(#"{"pairs":[{"instruction":"Explain vector search costs.","answer":"Vectors are cheap to store."},{"instruction":"Say why search is hard.","answer":"Searching well is expensive."}]}"#)
    }
    let instruct = try await SampleGenerator(
      kind: .instruct, strategy: .generate, teacher: pairs, base: pairs, settings: settings()
    ).run(extracts(1), progress: SilentProgress())
    #expect(instruct.samples.map(\.answer) == ["Vectors are cheap to store.", "Searching well is expensive."])
    let triples = ScriptedLanguageModel { _, _ in
      .text(#"{"triples":[{"instruction":"Explain vector costs.","rejected":"They cost money.","chosen":"Vectors are cheap to store."}]}"#)
    }
    let preference = try await SampleGenerator(
      kind: .preference, strategy: .generate, teacher: triples, base: triples, settings: settings()
    ).run(extracts(1), progress: SilentProgress())
    #expect(preference.samples.first?.rejected == "They cost money.")
    #expect(preference.samples.first?.answer == "Vectors are cheap to store.")
  }
}
