import Foundation
import GRDB
import Testing
import TwinCore
import TwinFeatureStore
import TwinOrchestrator
import TwinPipelines
import TwinSQLite
import TwinEmbeddings

/// The feature store may hold the only copy left of a person's cleaned writing: a lost or
/// emptied warehouse must never make a feature run delete it.
@Suite(.serialized) struct FeatureStoreSafetyTests {
  @Test func aReplacedWarehouseIsRefusedByTheFeatureStore() async throws {
    let fixture = try await FeatureFixture()
    try await fixture.workspace.bindFeatureStore(rebuilding: false)
    let built = try await fixture.run()
    #expect(built.documentsWritten == 6)

    // The warehouse file is replaced by an empty one (or deleted): SQLite opens it as a new,
    // empty database.
    let root = fixture.workspace.root
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(at: root.appendingPathComponent("twin.sqlite" + suffix))
    }
    _ = FileManager.default.createFile(atPath: root.appendingPathComponent("twin.sqlite").path, contents: Data())
    let reopened = try Workspace(path: root.path)
    #expect(try await reopened.warehouse.count(category: .articles, authorID: nil) == 0)
    do {
      try await reopened.bindFeatureStore(rebuilding: false)
      Issue.record("a feature store built from another warehouse was accepted")
    } catch let error as TwinError {
      #expect("\(error)".contains("built from another warehouse"))
      #expect("\(error)".contains("twin features --full"))
    }
    // Nothing was deleted; a deliberate rebuild (--full) is allowed and rebinds the store.
    let cleaned = try await reopened.vectors.count(in: FeatureCollections.cleaned(.articles), filter: nil)
    #expect(cleaned > 0)
    try await reopened.bindFeatureStore(rebuilding: true)
    try await reopened.bindFeatureStore(rebuilding: false)
  }

  @Test func aRunThatWouldDeleteMostFeaturesStopsUnlessAllowed() async throws {
    let fixture = try await FeatureFixture()
    _ = try await fixture.run()
    let before = try await fixture.workspace.vectors.count(in: FeatureCollections.cleaned(.articles), filter: nil)
    // The warehouse loses its documents (emptied by hand, or a different file put in place).
    try await fixture.workspace.database.pool.write { db in try db.execute(sql: "DELETE FROM documents") }

    let runner = PipelineRunner(store: fixture.workspace.runs, blobs: fixture.workspace.blobs)
    func pipeline(allow: Bool) throws -> Pipeline {
      try FeaturePipeline.pipeline(
        warehouse: fixture.workspace.warehouse, store: fixture.workspace.vectors, embedder: fixture.embedder,
        authors: nil, settings: FeatureSettings(), full: false, allowMassDelete: allow)
    }
    let refused = try await runner.run(try pipeline(allow: false))
    #expect(refused.run.status == .failed)
    #expect(refused.run.error?.contains("would delete the features of 6 of the 6 documents") == true, "\(refused.run.error ?? "")")
    #expect(refused.run.error?.contains("--allow-mass-delete") == true)
    #expect(try await fixture.workspace.vectors.count(in: FeatureCollections.cleaned(.articles), filter: nil) == before)

    let allowed = try await runner.run(try pipeline(allow: true))
    #expect(allowed.run.status == .succeeded)
    #expect(try await fixture.workspace.vectors.count(in: FeatureCollections.cleaned(.articles), filter: nil) == 0)
  }

  @Test func aCorruptFeatureStoreDoesNotBlockTheWarehouse() async throws {
    let workspace = try temporaryWorkspace()
    let user = try await workspace.warehouse.getOrCreateUser(fullName: "Ada Lovecraft")
    try await workspace.warehouse.upsert([
      try .article(content: ["Title": "t", "Content": "c"], platform: "p", author: user, link: "https://a.example/1")
    ])
    let store = workspace.root.appendingPathComponent("vectors/vectors.sqlite")
    try Data(repeating: 0x5A, count: 4096).write(to: store)

    let reopened = try Workspace(path: workspace.root.path)
    #expect(try await reopened.warehouse.count(category: .articles, authorID: nil) == 1)
    do {
      _ = try await reopened.vectors.collections()
      Issue.record("a corrupt vectors.sqlite opened")
    } catch let error as TwinError {
      #expect("\(error)".contains("twin features --rebuild-store"))
    }
    let aside = try #require(try Workspace.moveFeatureStoreAside(root: reopened.root))
    #expect(FileManager.default.fileExists(atPath: aside.appendingPathComponent("vectors.sqlite").path))
    let rebuilt = try Workspace(path: workspace.root.path)
    #expect(try await rebuilt.vectors.collections().isEmpty)
  }
}

/// A rebuild (`--full`) killed half way must leave the old feature store in place.
@Suite(.serialized) struct AtomicRebuildTests {
  /// The real store, with writes that fail after the first `allowed` (a process killed mid-load).
  struct FailingStore: VectorStore {
    let store: SQLiteVectorStore
    let allowed: Int
    let writes = Counter()

    func createCollection(_ spec: VectorCollectionSpec) async throws { try await store.createCollection(spec) }
    func collections() async throws -> [VectorCollectionSpec] { try await store.collections() }
    func dropCollection(_ name: String) async throws { try await store.dropCollection(name) }
    func write(_ batch: VectorWriteBatch) async throws {
      guard writes.next() <= allowed else { throw CancellationError() }
      try await store.write(batch)
    }
    func replaceCollections(_ replacements: [String: String]) async throws {
      try await store.replaceCollections(replacements)
    }
    func points(in collection: String, filter: PayloadFilter?, withVectors: Bool) async throws -> [VectorPoint] {
      try await store.points(in: collection, filter: filter, withVectors: withVectors)
    }
    func count(in collection: String, filter: PayloadFilter?) async throws -> Int {
      try await store.count(in: collection, filter: filter)
    }
    func search(
      in collection: String, vector: [Float], k: Int, filter: PayloadFilter?, efSearch: Int?
    ) async throws -> [ScoredPoint] {
      try await store.search(in: collection, vector: vector, k: k, filter: filter, efSearch: efSearch)
    }
    func flush() async throws { try await store.flush() }
  }

  @Test func aKilledRebuildLeavesTheOldStoreAndACompleteOneReplacesIt() async throws {
    let fixture = try await FeatureFixture()
    _ = try await fixture.run()
    let vectors = fixture.workspace.vectors
    func totals() async throws -> [Int] {
      var counts: [Int] = []
      for category in DocumentCategory.allCases {
        counts.append(try await vectors.count(in: FeatureCollections.cleaned(category), filter: nil))
        counts.append(try await vectors.count(in: FeatureCollections.embedded(category), filter: nil))
      }
      return counts
    }
    let before = try await totals()
    let query = try #require(try await fixture.embedder.embed(["how to correct errors in quantum computers"]).first)
    let hitsBefore = try await vectors.search(
      in: FeatureCollections.embedded(.articles), vector: query, k: 3, filter: nil, efSearch: nil)

    var settings = FeatureSettings()
    settings.loadBatchSize = 1
    let runner = PipelineRunner(store: fixture.workspace.runs, blobs: fixture.workspace.blobs)
    let killed = try await runner.run(
      try FeaturePipeline.pipeline(
        warehouse: fixture.workspace.warehouse, store: FailingStore(store: vectors, allowed: 1),
        embedder: fixture.embedder, authors: nil, settings: settings, full: true))
    #expect(killed.run.status != .succeeded)
    // Readers still see the whole old store, and answer the same.
    #expect(try await totals() == before)
    let hitsAfter = try await vectors.search(
      in: FeatureCollections.embedded(.articles), vector: query, k: 3, filter: nil, efSearch: nil)
    #expect(hitsAfter.map(\.point.id) == hitsBefore.map(\.point.id))

    let rebuilt = try await fixture.run(full: true)
    #expect(rebuilt.documentsWritten == 6)
    #expect(try await totals() == before)
    #expect(try await vectors.collections().allSatisfy { !$0.name.hasPrefix("rebuild__") })
  }
}
