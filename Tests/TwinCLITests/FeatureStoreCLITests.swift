import Foundation
import Testing
import TwinCore
import TwinFeatureStore
import TwinSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a Handbook-format export of one author with `posts` generated posts.
func writeGeneratedExport(to dir: URL, posts: Int) throws {
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  let userID = "0b9f0d7e-5f55-4c1e-9a38-3d1f0c2b7a01"
  let users: [[String: Any]] = [["_id": userID, "first_name": "Crash", "last_name": "Tester"]]
  let topics = ["kernels", "tokenizers", "vector stores", "chunking", "retrieval", "fine-tuning", "evaluation"]
  let items: [[String: Any]] = (0..<posts).map { i in
    let topic = topics[i % topics.count]
    let text = "Post \(i) about \(topic). " + (0..<(3 + i % 5)).map { s in
      "Sentence \(s) explains how \(topic) behave when the input number \(i * 7 + s) grows."
    }.joined(separator: " ")
    return [
      "_id": String(format: "00000000-0000-4000-8000-%012d", i), "content": ["Content": text],
      "platform": "linkedin", "author_id": userID, "author_full_name": "Crash Tester",
      "link": "https://example.com/posts/\(i)", "image": NSNull(),
    ]
  }
  try JSONSerialization.data(withJSONObject: users).write(to: dir.appendingPathComponent("UserDocument.json"))
  try JSONSerialization.data(withJSONObject: items).write(to: dir.appendingPathComponent("PostDocument.json"))
  try Data("[]".utf8).write(to: dir.appendingPathComponent("ArticleDocument.json"))
  try Data("[]".utf8).write(to: dir.appendingPathComponent("RepositoryDocument.json"))
}

/// How many documents `cleaned_posts` holds, or nil while the store cannot be read yet (not
/// created, not migrated, or its file mid-change).
func storedDocuments(_ store: SQLiteVectorStore) async -> Int? {
  guard let collections = try? await store.collections(), collections.contains(where: { $0.name == "cleaned_posts" })
  else { return nil }
  return try? await store.count(in: "cleaned_posts", filter: nil)
}

/// Every cleaned document has exactly its recorded number of chunks, and no chunk is orphaned:
/// what a half-applied batch would break.
func expectConsistentFeatureStore(_ store: SQLiteVectorStore) async throws -> Int {
  let names = Set(try await store.collections().map(\.name))
  guard names.contains("cleaned_posts"), names.contains("embedded_posts") else { return 0 }
  let cleaned = try await store.points(in: "cleaned_posts", filter: nil, withVectors: false)
  let chunks = try await store.points(in: "embedded_posts", filter: nil, withVectors: false)
  var perDocument: [String: Int] = [:]
  for chunk in chunks { perDocument[chunk.string("document_id") ?? "", default: 0] += 1 }
  for document in cleaned {
    #expect(perDocument[document.id] == document.int("chunk_count"), "document \(document.id)")
  }
  #expect(Set(perDocument.keys).isSubset(of: Set(cleaned.map(\.id))), "orphaned chunks")
  return cleaned.count
}

@Suite(.serialized) struct FeatureStoreCLITests {
  @Test func theStoreSurvivesAKilledWriter() async throws {
    let twin = try TwinProcess()
    let export = twin.directory.appendingPathComponent("export")
    let total = 300
    try writeGeneratedExport(to: export, posts: total)
    #expect(try await twin.run(["import", "--dir", export.path]).status == 0)

    // One document per transaction makes the load long enough to be killed in the middle.
    let environment = ["TWIN_FEATURES_LOAD_BATCH_SIZE": "1"]
    let vectorsDir = twin.workspace.appendingPathComponent("vectors")
    var killedMidLoad = false
    for _ in 0..<3 {
      let (process, _, _) = try twin.launch(["features"], environment: environment)
      let pid = process.processIdentifier
      let deadline = Date().addingTimeInterval(300)
      var observer: SQLiteVectorStore?
      var before: Int?
      // The writer embeds everything, then loads a document per transaction, which takes about
      // a second. It runs in 20 ms slices and is stopped (SIGSTOP) while the store is looked at,
      // so however long looking takes on a busy machine, the load cannot move meanwhile. The
      // slices are timed by blocking this thread, not by a task's sleep: with the suite's other
      // tests on every core, a sleeping task once resumed so late that the whole load slipped by.
      while process.isRunning, Date() < deadline {
        kill(pid, SIGCONT)
        usleep(20_000)
        guard kill(pid, SIGSTOP) == 0 else { break }
        // Opened read-only (a writer's open would migrate, and contend for the writer's lock),
        // and only once the writer has made the file a WAL database.
        if observer == nil, FileManager.default.fileExists(atPath: vectorsDir.appendingPathComponent("vectors.sqlite-wal").path) {
          observer = try? SQLiteVectorStore(directory: vectorsDir, readOnly: true)
        }
        guard let observer, let stored = await storedDocuments(observer) else { continue }
        // Kill once this run has written something (more than the store held when first seen)
        // but not everything.
        if let before, stored > before && stored < total { break }
        if before == nil { before = stored }
      }
      guard process.isRunning else { break }
      kill(pid, SIGKILL)
      kill(pid, SIGCONT)
      await TwinProcess.waitForExit(process)
      // The observer's connections go first: the store reopened below migrates in a write
      // transaction, which a connection left over from the killed run's time must not hold up.
      observer = nil
      let reopened = try SQLiteVectorStore(directory: vectorsDir)
      let afterKill = try await expectConsistentFeatureStore(reopened)
      if afterKill > 0 && afterKill < total { killedMidLoad = true }
      // The store still answers searches.
      if afterKill > 0 {
        let vector = try #require(try await reopened.points(in: "embedded_posts", filter: nil, withVectors: true).first?.vector)
        #expect(try await reopened.search(in: "embedded_posts", vector: vector, k: 3, filter: nil, efSearch: nil).count >= 1)
      }
    }
    #expect(killedMidLoad, "no kill landed in the middle of the load")

    // The next run finishes the job, and the one after has nothing left to do.
    let finish = try await twin.run(["features"])
    #expect(finish.status == 0, "stderr: \(finish.stderr)")
    let store = try SQLiteVectorStore(directory: vectorsDir)
    #expect(try await expectConsistentFeatureStore(store) == total)
    let again = try await twin.run(["features"])
    #expect(again.stdout.contains("documents: 0 written, \(total) unchanged"), "\(again.stdout)")
    let runs = try await twin.json(["runs", "list"]) as! [[String: Any]]
    #expect(runs.contains { $0["status"] as? String == "interrupted" })
  }

  @Test func searchPrintsScoredChunksAndFiltersByAuthor() async throws {
    let twin = try TwinProcess()
    let export = twin.directory.appendingPathComponent("export")
    try writeGeneratedExport(to: export, posts: 14)
    #expect(try await twin.run(["import", "--dir", export.path]).status == 0)
    #expect(try await twin.run(["features"]).status == 0)
    let text = try await twin.run(["search", "how do tokenizers behave", "--k", "2"])
    #expect(text.status == 0, "stderr: \(text.stderr)")
    #expect(text.stdout.contains("1. 0.") && text.stdout.contains("Crash Tester [posts]"))
    #expect(text.stdout.contains("https://example.com/posts/"))
    let hits = try await twin.json(["search", "tokenizers", "--author", "Crash Tester", "--category", "posts", "--k", "4"])
      as! [[String: Any]]
    #expect(hits.count == 4)
    #expect(hits.allSatisfy { ($0["content"] as? String)?.isEmpty == false && $0["score"] is Double })
    #expect((hits.first?["content"] as? String)?.contains("tokenizers") == true)
    let unknown = try await twin.run(["search", "x", "--author", "Nobody Here"])
    #expect(unknown.status != 0)
    #expect(unknown.stderr.contains("Nobody Here") && unknown.stderr.contains("Crash Tester"))
    let badK = try await twin.run(["search", "x", "--k", "0"])
    #expect(badK.status != 0)

    // Reading commands write nothing: they work on a read-only mount of the workspace (a
    // private mount namespace, so the test needs no other privilege than the root it runs as).
    let commands = [
      ["search", "how do tokenizers behave", "--k", "2"], ["documents"], ["traces", "list"],
      ["export", "--dir", twin.directory.appendingPathComponent("ro-export").path],
    ]
    for command in commands {
      let readOnly = try await twin.runOnReadOnlyWorkspace(command)
      #expect(readOnly.status == 0, "\(command) on a read-only workspace: \(readOnly.stderr)")
    }
    let searched = try await twin.runOnReadOnlyWorkspace(["search", "how do tokenizers behave", "--k", "2"])
    #expect(searched.stdout.contains("Crash Tester [posts]"), "\(searched.stdout)")
  }
}
