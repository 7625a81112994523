import Foundation
import GRDB
import Testing
import TwinCore
import TwinFeatureStore
import TwinEmbeddings
import TwinFeatures
import TwinOrchestrator
import TwinPipelines
import TwinSQLite
import TwinTestSupport

/// The model tests embed with; a missing model fails (CI pulls it first) rather than skipping.
func miniLM() throws -> Embedder {
  try Embedder(modelDirectory: try PulledModels.directory("minilm"))
}

/// Prose with distinctive topics per document, long enough to need several chunks.
func article(topic: String, paragraphs: Int) -> String {
  (0..<paragraphs).map { p in
    (0..<4).map { s in
      "In part \(p + 1) the author explains \(topic) with example \(s + 1), comparing it carefully with the alternatives readers already know from practice."
    }.joined(separator: " ")
  }.joined(separator: "\n\n") + "\n\n```python\nprint('\(topic)')\n```"
}

struct FeatureFixture {
  let workspace: Workspace
  let embedder: Embedder
  let ada: User
  let ben: User

  init() async throws {
    workspace = try temporaryWorkspace()
    embedder = try miniLM()
    ada = try await workspace.warehouse.getOrCreateUser(fullName: "Ada Lovecraft")
    ben = try await workspace.warehouse.getOrCreateUser(fullName: "Ben Okafor")
    var docs: [RawDocument] = []
    for (i, topic) in ["vector databases", "sourdough baking", "marathon training", "quantum error correction"].enumerated() {
      let author = i % 2 == 0 ? ada : ben
      docs.append(
        try .article(
          content: ["Title": "On \(topic)", "Subtitle": nil, "Content": article(topic: topic, paragraphs: 6 + i), "language": "en"],
          platform: i % 2 == 0 ? "medium" : "substack", author: author, link: "https://example.com/\(i)"))
    }
    docs.append(
      try .post(content: ["Content": "Shipping a feature pipeline today. Chunking by tokens, not characters!"],
        platform: "linkedin", author: ada, link: nil, image: nil))
    let bigFile = (0..<200).map { "def handler_\($0)(event):\n    return route(event, \($0))" }.joined(separator: "\n\n")
    docs.append(
      try .repository(
        content: ["README.md": "# Router\n\nRoutes events.", "src/router.py": bigFile], platform: "github", author: ben,
        name: "router", link: "https://github.com/ben/router"))
    try await workspace.warehouse.upsert(docs)
  }

  func run(full: Bool = false, authors: [User]? = nil) async throws -> FeatureLoadReport {
    let pipeline = try FeaturePipeline.pipeline(
      warehouse: workspace.warehouse, store: workspace.vectors, embedder: embedder, authors: authors,
      settings: FeatureSettings(), full: full)
    let result = try await PipelineRunner(store: workspace.runs, blobs: workspace.blobs).run(pipeline)
    #expect(result.run.status == .succeeded, "\(result.run.error ?? "")")
    return try #require(try result.output(FeaturePipeline.loadReport))
  }

  func chunks(_ category: DocumentCategory) async throws -> [VectorPoint] {
    try await workspace.vectors.points(in: FeatureCollections.embedded(category), filter: nil, withVectors: false)
  }
}

@Suite(.serialized) struct FeaturePipelineTests {
  @Test func chunksFitTheModelWindowInEveryCategory() async throws {
    let fixture = try await FeatureFixture()
    let report = try await fixture.run()
    #expect(report.documentsWritten == 6)
    for category in DocumentCategory.allCases {
      let chunks = try await fixture.chunks(category)
      #expect(!chunks.isEmpty, "no \(category) chunks")
      let limit = ChunkingSettings.defaults(for: category).maxTokens
      for chunk in chunks {
        let text = try #require(chunk.string("content"))
        // Counted again with the model's own tokenizer: nothing the model would truncate.
        #expect(fixture.embedder.tokenCount(text) <= limit)
        #expect(fixture.embedder.tokenize(text).count <= fixture.embedder.maxSequenceLength)
      }
    }
    let repoChunks = try await fixture.chunks(.repositories)
    #expect(repoChunks.filter { $0.string("file_path") == "src/router.py" }.count > 3)
    // Every cleaned document records exactly as many chunks as the store holds for it.
    for category in DocumentCategory.allCases {
      let cleaned = try await fixture.workspace.vectors.points(
        in: FeatureCollections.cleaned(category), filter: nil, withVectors: false)
      for document in cleaned {
        let count = try await fixture.workspace.vectors.count(
          in: FeatureCollections.embedded(category), filter: .equals("document_id", document.id))
        #expect(count == document.int("chunk_count"))
      }
    }
  }

  @Test func aSecondRunChangesNothingAndAnEditReembedsOnlyItsDocument() async throws {
    let fixture = try await FeatureFixture()
    _ = try await fixture.run()
    let before = try await fixture.chunks(.articles)
    let second = try await fixture.run()
    #expect(second.documentsWritten == 0)
    #expect(second.chunksWritten == 0)
    #expect(second.chunksRemoved == 0)
    #expect(second.unchanged == 6)
    #expect(try await fixture.chunks(.articles).map(\.id) == before.map(\.id))

    // Edit the last paragraph of one article.
    var edited = try #require(try await fixture.workspace.warehouse.document(link: "https://example.com/1"))
    let content = try #require(edited.text("Content"))
    edited.content["Content"] = content + "\n\nA new closing paragraph about sourdough starters and patience."
    try await fixture.workspace.warehouse.upsert([edited])
    let third = try await fixture.run()
    #expect(third.documentsWritten == 1)
    let after = try await fixture.chunks(.articles)
    let editedID = edited.id.uuidString
    let ownBefore = Set(before.filter { $0.string("document_id") == editedID }.map(\.id))
    let ownAfter = Set(after.filter { $0.string("document_id") == editedID }.map(\.id))
    // Other documents' chunks are untouched; this one's are only the new ones.
    #expect(Set(before.map(\.id)).subtracting(ownBefore) == Set(after.map(\.id)).subtracting(ownAfter))
    #expect(third.chunksWritten == ownAfter.count)
    #expect(third.chunksRemoved == ownBefore.subtracting(ownAfter).count)
    #expect(ownBefore.intersection(ownAfter).count >= ownBefore.count - 2)
    #expect(after.contains { $0.string("content")?.contains("sourdough starters") == true })
  }

  @Test func searchFindsTheRightDocumentAndFiltersByAuthor() async throws {
    let fixture = try await FeatureFixture()
    _ = try await fixture.run()
    let query = try #require(try await fixture.embedder.embed(["how to correct errors in quantum computers"]).first)
    let store = fixture.workspace.vectors
    let hits = try await store.search(
      in: FeatureCollections.embedded(.articles), vector: query, k: 5, filter: nil, efSearch: nil)
    #expect(hits.first?.point.string("title") == "On quantum error correction")
    let adaOnly = try await store.search(
      in: FeatureCollections.embedded(.articles), vector: query, k: 5,
      filter: .equals("author_id", fixture.ada.id.uuidString), efSearch: nil)
    #expect(!adaOnly.isEmpty)
    #expect(adaOnly.allSatisfy { $0.point.string("author_full_name") == "Ada Lovecraft" })
    let code = try #require(try await fixture.embedder.embed(["def handler_150(event)"]).first)
    let repo = try await store.search(
      in: FeatureCollections.embedded(.repositories), vector: code, k: 1,
      filter: PayloadFilter([.isIn(key: "platform", values: [.string("github")])]), efSearch: nil)
    #expect(repo.first?.point.string("file_path") == "src/router.py")
  }

  @Test func fullRebuildAndAuthorScope() async throws {
    let fixture = try await FeatureFixture()
    let adaOnly = try await fixture.run(authors: [fixture.ada])
    #expect(adaOnly.documentsWritten == 3)
    let rest = try await fixture.run()
    #expect(rest.documentsWritten == 3)
    #expect(rest.unchanged == 3)
    let full = try await fixture.run(full: true)
    #expect(full.documentsWritten == 6)
    #expect(full.cleanedTotals.values.reduce(0, +) == 6)
  }

  @Test func aDeletedDocumentLosesItsFeatures() async throws {
    let fixture = try await FeatureFixture()
    _ = try await fixture.run()
    let gone = try #require(try await fixture.workspace.warehouse.document(link: "https://example.com/2"))
    let chunksBefore = try await fixture.workspace.vectors.count(
      in: FeatureCollections.embedded(.articles), filter: .equals("document_id", gone.id.uuidString))
    #expect(chunksBefore > 0)
    // No command deletes warehouse documents yet; remove the row as an operator would.
    try await fixture.workspace.database.pool.write { db in
      try db.execute(sql: "DELETE FROM documents WHERE id = ?", arguments: [gone.id.uuidString])
    }
    let report = try await fixture.run()
    #expect(report.documentsDeleted == 1)
    #expect(report.chunksRemoved == chunksBefore)
    #expect(report.documentsWritten == 0)
    #expect(
      try await fixture.workspace.vectors.count(
        in: FeatureCollections.embedded(.articles), filter: .equals("document_id", gone.id.uuidString)) == 0)
    #expect(
      try await fixture.workspace.vectors.count(
        in: FeatureCollections.cleaned(.articles), filter: .equals("document_id", gone.id.uuidString)) == 0)
  }
}
