import Foundation
import Testing
import TwinCore
import TwinDatasets

@Suite struct PostProcessingTests {
  let document = UUID()

  func sample(_ instruction: String, _ answer: String, rejected: String? = nil, extract: String = "e1") -> GeneratedSample {
    GeneratedSample(
      instruction: instruction, answer: answer, rejected: rejected, extractID: extract, documentID: document,
      category: .articles)
  }

  @Test func theHandbooksPreferenceFormatRules() {
    #expect(SampleFilters.isWellFormed("Vectors are cheap."))
    #expect(SampleFilters.isWellFormed("Is it \"cheap?\""))
    #expect(!SampleFilters.isWellFormed("vectors are cheap."))
    #expect(!SampleFilters.isWellFormed("Vectors are cheap"))
    let filters = SampleFilters()
    let long = String(repeating: "Vectors are cheap to store. ", count: 5).trimmingCharacters(in: .whitespaces)
    #expect(filters.reason(toDrop: sample("What about vectors?", long, rejected: "No."), kind: .preference) == nil)
    #expect(filters.reason(toDrop: sample("What about vectors?", "Short.", rejected: "No."), kind: .preference) == .shortAnswer)
    #expect(filters.reason(toDrop: sample("What about vectors?", long.lowercased(), rejected: "No."), kind: .preference) == .answerFormat)
    #expect(filters.reason(toDrop: sample("What about vectors?", long, rejected: long), kind: .preference) == .identicalAnswers)
    #expect(filters.reason(toDrop: sample("Why?", "Short answer"), kind: .instruct) == .shortInstruction)
    #expect(filters.reason(toDrop: sample("What is the main topic of the passage?", "Crawling."), kind: .instruct) == .metaInstruction)
    #expect(filters.reason(toDrop: sample("How should a crawler treat robots.txt?", "Politely."), kind: .instruct) == nil)
    // Instruct answers are the author's text: no format rule applies.
    #expect(filters.reason(toDrop: sample("What about vectors?", "short answer"), kind: .instruct) == nil)
  }

  @Test func groundingMeasuresTheAnswersWordsFoundInTheExtract() {
    let extract = "Quantised embeddings shrink the index fourfold while recall barely drops."
    #expect(Grounding.share(of: "Quantised embeddings shrink the index.", in: extract) == 1)
    #expect(Grounding.share(of: "Bananas provide potassium for athletes.", in: extract) == 0)
    #expect(Grounding(minimumShare: 0.5).isGrounded("The index shrinks fourfold with quantised embeddings.", in: extract))
  }

  @Test func exactAndNearDuplicatesAreDroppedKeepingTheFirst() async throws {
    let samples = [
      sample("What is an index?", "An index finds vectors."),
      sample("what is an  index?", "An index finds vectors."),  // exact, after normalising
      sample("What is an index??", "An index finds vectors!"),  // same letters: near
      sample("Why quantise embeddings?", "Memory."),
    ]
    let vectors = try await LetterEmbedder().embed(samples.map(Deduplicator.text))
    let reasons = Deduplicator(threshold: 0.99).duplicates(samples, vectors: vectors)
    #expect(reasons == [nil, .duplicate, .nearDuplicate, nil])
  }

  @Test func thePostProcessorCountsWhatItDropped() async throws {
    let extract = Extract(
      documentID: document, category: .articles, authorFullName: "Ada", title: nil,
      text: "Quantised embeddings shrink the index fourfold while recall barely drops.")
    let samples = [
      GeneratedSample(
        instruction: "How do quantised embeddings help?", answer: "Quantised embeddings shrink the index fourfold.",
        extractID: extract.id, documentID: document, category: .articles),
      GeneratedSample(
        instruction: "What do athletes eat?", answer: "Bananas provide potassium for athletes.", extractID: extract.id,
        documentID: document, category: .articles),
    ]
    let (kept, removed) = try await PostProcessor().process(
      samples, kind: .instruct, extracts: [extract.id: extract], embed: { try await LetterEmbedder().embed($0) })
    #expect(kept == [samples[0]])
    #expect(removed == [.ungrounded: 1])
  }

  @Test func theSplitKeepsEachExtractOnOneSideAndIsSeeded() {
    var samples: [GeneratedSample] = []
    for extract in 0..<20 {
      for n in 0..<3 { samples.append(sample("Question \(n) on extract \(extract)?", "Answer.", extract: "x\(extract)")) }
    }
    let split = DatasetSplitter(testFraction: 0.2, seed: 7).split(samples)
    var sides: [String: Set<DatasetSplit>] = [:]
    for (generated, stored) in zip(samples, split) { sides[generated.extractID, default: []].insert(stored.split) }
    #expect(sides.values.allSatisfy { $0.count == 1 }, "an extract's samples sit on one side")
    let test = split.filter { $0.split == .test }.count
    #expect(test == 12, "20 % of 60 samples, whole extracts of 3")
    #expect(split == DatasetSplitter(testFraction: 0.2, seed: 7).split(samples), "the same seed splits the same way")
    #expect(split != DatasetSplitter(testFraction: 0.2, seed: 8).split(samples), "another seed, another split")
    #expect(DatasetSplitter(testFraction: 0, seed: 7).split(samples).allSatisfy { $0.split == .train })
  }
}
