import Foundation
import Testing
import TwinCore
import TwinDatasets
import TwinFeatureStore
import TwinOrchestrator
import TwinSQLite

/// The whole pipeline on a real workspace (SQLite, blob store, feature store) with a scripted
/// LLM; the real model's run is in the CLI tests.
@Suite struct DatasetPipelineTests {
  let author = User(firstName: "Ada", lastName: "Lovecraft")

  func workspace(documents: Int) async throws -> Workspace {
    let workspace = try Workspace(
      path: FileManager.default.temporaryDirectory.appendingPathComponent("twin-dataset-pipeline-\(UUID())").path)
    let collection = FeatureCollections.cleaned(.articles)
    try await workspace.vectors.createCollection(.payloadOnly(collection))
    var batch = VectorWriteBatch()
    let points = try (0..<documents).map { n in
      let content = (0..<6).map { p in
        "Article \(n), paragraph \(p): retrieval needs good chunks. Chunks that are too long blur the embedding, and short ones lose context."
      }.joined(separator: "\n\n")
      let document = CleanedDocument(
        id: UUID(), category: .articles, title: "Article \(n)", content: content, platform: "blog", authorID: author.id,
        authorFullName: author.fullName, link: "https://example.com/\(n)", sourceHash: "h\(n)")
      return try CleanedDocumentPayload(document, chunkCount: 1).point()
    }
    batch.upsert(points, into: collection)
    try await workspace.vectors.write(batch)
    return workspace
  }

  func settings() -> DatasetSettings {
    var settings = DatasetSettings()
    settings.extractMinCharacters = 300
    settings.extractMaxCharacters = 500
    settings.split.testFraction = 0.25
    return settings
  }

  /// Asks a distinct question per extract (its first words), so nothing is a duplicate.
  let teacher = ScriptedLanguageModel("teacher") { request, _ in
    .instruction("What does this say about \(passage(in: request).prefix(40))?")
  }

  @Test func aRunStoresAVersionAndARerunIsACacheHit() async throws {
    let workspace = try await workspace(documents: 4)
    let request = DatasetPipeline.Request(kind: .instruct, settings: settings())
    let pipeline = try DatasetPipeline.pipeline(
      request: request, store: workspace.vectors, datasets: workspace.datasets, teacher: teacher, base: teacher,
      embedder: DistinctEmbedder())
    let runner = PipelineRunner(store: workspace.runs, blobs: workspace.blobs)
    let first = try await runner.run(pipeline)
    #expect(first.run.status == .succeeded, "\(first.run.error ?? "")")
    let saved = try #require(try first.output(DatasetPipeline.saved))
    #expect(saved.label == "instruct@1" && saved.created)
    let version = try await workspace.datasets.version(DatasetReference(name: "instruct"))
    let samples = try await workspace.datasets.samples(of: version, split: nil, limit: nil)
    #expect(samples.count == version.sampleCount && samples.count >= 8)
    #expect(samples.contains { $0.split == .test } && samples.contains { $0.split == .train })
    // Every answer traces back to a stored document's text.
    let documents = try await workspace.vectors.points(in: FeatureCollections.cleaned(.articles), filter: nil, withVectors: false)
      .map { try CleanedDocumentPayload($0) }
    for sample in samples {
      let document = try #require(documents.first { $0.documentID == sample.source.documentID })
      #expect(document.content.contains(sample.answer))
    }
    if case .object(let lineage) = version.lineage {
      #expect(lineage["teacher"] == .string("teacher"))
      #expect(lineage["prompt"] == .string(DatasetPrompt.backtranslate.label))
    } else {
      Issue.record("no lineage")
    }
    let calls = teacher.calls

    let second = try await runner.run(pipeline)
    #expect(second.run.status == .succeeded)
    let cached = second.steps.filter { $0.status == .cached }.map(\.name)
    #expect(cached == ["create_prompts", "generate", "post_process", "split"])
    #expect(teacher.calls == calls, "a cache hit asks the LLM nothing")
    let again = try #require(try second.output(DatasetPipeline.saved))
    #expect(again.label == "instruct@1" && !again.created)
  }

  @Test func anEmptyFeatureStoreFailsWithWhatToDo() async throws {
    let workspace = try Workspace(
      path: FileManager.default.temporaryDirectory.appendingPathComponent("twin-dataset-empty-\(UUID())").path)
    let pipeline = try DatasetPipeline.pipeline(
      request: DatasetPipeline.Request(kind: .instruct), store: workspace.vectors, datasets: workspace.datasets,
      teacher: teacher, base: teacher, embedder: DistinctEmbedder())
    let result = try await PipelineRunner(store: workspace.runs, blobs: workspace.blobs).run(pipeline)
    #expect(result.run.status == .failed)
    #expect(result.run.error?.contains("run `twin etl` and `twin features` first") == true, "\(result.run.error ?? "")")
    #expect(try await workspace.datasets.versions(name: nil).isEmpty)
  }

  @Test func aModelThatOnlyGivesGarbageFailsTheRunClearly() async throws {
    let workspace = try await workspace(documents: 2)
    let garbage = ScriptedLanguageModel("garbage") { _, _ in .text("I am not JSON") }
    var settings = settings()
    settings.generation.retries = 1
    let pipeline = try DatasetPipeline.pipeline(
      request: DatasetPipeline.Request(kind: .instruct, settings: settings), store: workspace.vectors,
      datasets: workspace.datasets, teacher: garbage, base: garbage, embedder: DistinctEmbedder())
    let result = try await PipelineRunner(store: workspace.runs, blobs: workspace.blobs).run(pipeline)
    #expect(result.run.status == .failed)
    #expect(result.run.error?.contains("garbage gave no usable sample") == true, "\(result.run.error ?? "")")
    #expect(result.run.error?.contains("unreadable LLM reply") == true)
    #expect(try await workspace.datasets.versions(name: nil).isEmpty, "no half-written version")
  }

  @Test func aCancelledRunLeavesNoVersion() async throws {
    let workspace = try await workspace(documents: 4)
    let slow = ScriptedLanguageModel("slow", delay: .seconds(30)) { _, _ in .instruction("Never answered?") }
    let pipeline = try DatasetPipeline.pipeline(
      request: DatasetPipeline.Request(kind: .instruct, settings: settings()), store: workspace.vectors,
      datasets: workspace.datasets, teacher: slow, base: slow, embedder: DistinctEmbedder())
    let runner = PipelineRunner(store: workspace.runs, blobs: workspace.blobs)
    let task = Task { try await runner.run(pipeline) }
    // Cancelled once the run is under way (the teacher has been asked), however slow the
    // machine: a fixed sleep could cancel before the run started, or after a loaded CI host
    // had not yet got there.
    while slow.calls == 0 { try await Task.sleep(for: .milliseconds(10)) }
    task.cancel()
    let result = try await task.value
    #expect(result.run.status == .interrupted)
    #expect(try await workspace.datasets.versions(name: nil).isEmpty)
  }
}
