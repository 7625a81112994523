import Foundation
import Testing
import TwinCore
import TwinFeatureStore
import TwinRAG
import TwinSQLite

struct BatchTransformTests {
  @Test func resumesWithoutAnsweringALineTwiceAndCutsAPartialLastLine() async throws {
    let fixture = try await RAGFixture()
    let llm = ScriptedLLM()
    var settings = RAGSettings()
    settings.expansions = 0
    settings.selfQuery = false
    let service = RAGService(
      llm: llm, search: ChunkSearch(store: fixture.workspace.vectors, embedder: WordHashEmbedder()),
      warehouse: fixture.workspace.warehouse, traces: nil, settings: settings)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("twin-batch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let input = dir.appendingPathComponent("q.jsonl")
    let output = dir.appendingPathComponent("a.jsonl")
    try """
    {"query": "How do crawlers stay polite?", "id": "a"}
    "What is a crawl budget?"

    {"query": "Chunk sizes?", "author": "Nobody"}
    not json
    {"query": "Is BM25 still useful?", "k": 1}
    """.write(to: input, atomically: true, encoding: .utf8)

    // A previous run answered line 1 and crashed while writing line 2.
    try (#"{"line":1,"answer":{}}"# + "\n" + #"{"line":2,"answ"#).write(to: output, atomically: true, encoding: .utf8)
    let summary = try await BatchTransform(service: service).run(input: input, output: output)
    #expect(summary == BatchTransform.Summary(total: 5, skipped: 1, answered: 2, failed: 2))
    // One answer per new line: line 2 and line 6; lines 4 (unknown author) and 5 (bad JSON) failed.
    #expect(llm.requests.count == 2)

    let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
    let records = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    #expect(records.map { $0["line"] as? Int } == [1, 2, 4, 5, 6])
    #expect((records[3]["error"] as? String)?.contains("q.jsonl line 5") == true)
    #expect((records[2]["error"] as? String)?.contains("unknown author") == true)
    #expect(((records[4]["answer"] as? [String: Any])?["sources"] as? [Any])?.count == 1)

    // A second run has nothing left to do.
    let again = try await BatchTransform(service: service).run(input: input, output: output)
    #expect(again == BatchTransform.Summary(total: 5, skipped: 5, answered: 0, failed: 0))
    #expect(llm.requests.count == 2)
  }

  @Test func refusesToAppendToAFileThatIsNotBatchOutput() async throws {
    let fixture = try await RAGFixture()
    let service = RAGService(
      llm: ScriptedLLM(), search: ChunkSearch(store: fixture.workspace.vectors, embedder: WordHashEmbedder()),
      warehouse: fixture.workspace.warehouse, traces: nil, settings: RAGSettings())
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("twin-batch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try "\"q\"\n".write(to: dir.appendingPathComponent("q.jsonl"), atomically: true, encoding: .utf8)
    try "important notes\n".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    await #expect(throws: TwinError.self) {
      try await BatchTransform(service: service).run(
        input: dir.appendingPathComponent("q.jsonl"), output: dir.appendingPathComponent("notes.txt"))
    }
    #expect(try String(contentsOf: dir.appendingPathComponent("notes.txt"), encoding: .utf8) == "important notes\n")
  }
}
