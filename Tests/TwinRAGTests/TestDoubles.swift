import Foundation
import Synchronization
import TwinCore
import TwinSQLite
import TwinFeatureStore

/// A deterministic bag-of-words embedder: each word hashes to a dimension, so texts sharing
/// words are near. Unit tests only; the real path uses MiniLM (see the CLI tests).
struct WordHashEmbedder: TextEmbedder {
  var modelID = "word-hash"
  var dimension = 1024
  var maxContentTokens = 512
  func tokenCount(_ text: String) -> Int { text.split(separator: " ").count }
  func embed(_ texts: [String]) async throws -> [[Float]] {
    texts.map { text in
      var v = [Float](repeating: 0, count: dimension)
      for word in text.lowercased().split(whereSeparator: { !$0.isLetter }) where word.count > 2 {
        var h: UInt32 = 2_166_136_261
        for b in word.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        v[Int(h % UInt32(dimension))] += 1
      }
      let norm = max(v.map { $0 * $0 }.reduce(0, +).squareRoot(), 1e-6)
      return v.map { $0 / norm }
    }
  }
}

/// An LLM that answers from a script keyed by the kind of request, and records what it was
/// asked. Unit tests only.
final class ScriptedLLM: LanguageModelClient {
  let modelID = "scripted"
  let selfQuery: String
  let expansion: String
  let answer: String
  /// How the answer's generation ends (`.cancelled`: cut short, as a stopping server does).
  let answerFinish: Completion.FinishReason
  let calls = Mutex<[CompletionRequest]>([])

  init(
    selfQuery: String = #"{"author":null}"#, expansion: String = "[]", answer: String = "An answer [1].",
    answerFinish: Completion.FinishReason = .stop
  ) {
    self.selfQuery = selfQuery
    self.expansion = expansion
    self.answer = answer
    self.answerFinish = answerFinish
  }

  func complete(_ request: CompletionRequest, onText: (@Sendable (String) -> Bool)?) async throws -> Completion {
    calls.withLock { $0.append(request) }
    let text: String
    var finish = Completion.FinishReason.stop
    switch request.responseFormat {
    case .jsonSchema(let name, _) where name == "self_query": text = selfQuery
    case .jsonSchema(let name, _) where name == "query_expansion": text = expansion
    default: (text, finish) = (answer, answerFinish)
    }
    var sent = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      let piece = (sent.isEmpty ? "" : " ") + word
      sent += piece
      if let onText, !onText(piece) { break }
    }
    return Completion(text: sent, finishReason: finish, promptTokens: 10, completionTokens: 5, model: modelID)
  }

  var requests: [CompletionRequest] { calls.withLock { $0 } }
}

/// A workspace with two authors' chunks in `embedded_articles` and `embedded_posts`.
struct RAGFixture {
  let workspace: Workspace
  let ada: User
  let ben: User

  static let chunks: [(author: Int, category: DocumentCategory, title: String, text: String)] = [
    (0, .articles, "Polite crawlers", "A polite crawler reads robots.txt and waits between requests to one host."),
    (0, .articles, "Deduplicate first", "Deduplicate documents with MinHash before you embed them, or retrieval repeats itself."),
    (0, .posts, "Crawl budgets", "Crawl budgets keep a crawler from hammering a small site with requests."),
    (1, .articles, "Chunking", "Chunk size is a retrieval decision: small chunks match precisely, large chunks keep context."),
    (1, .articles, "Hybrid search", "BM25 still earns its keep next to vector search for names and identifiers."),
    (1, .posts, "Evaluating RAG", "Evaluate retrieval with recall at k on questions written before looking at results."),
  ]

  init() async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("twin-rag-\(UUID().uuidString)")
    workspace = try Workspace(path: root.path)
    ada = try await workspace.warehouse.getOrCreateUser(fullName: "Ada Lovecraft")
    ben = try await workspace.warehouse.getOrCreateUser(fullName: "Ben Okafor")
    let embedder = WordHashEmbedder()
    var batch = VectorWriteBatch()
    for category in [DocumentCategory.articles, .posts] {
      try await workspace.vectors.createCollection(
        VectorCollectionSpec(name: FeatureCollections.embedded(category), dimension: embedder.dimension))
    }
    for (i, chunk) in Self.chunks.enumerated() {
      let user = chunk.author == 0 ? ada : ben
      let vector = try await embedder.embed([chunk.text])[0]
      let document = CleanedDocument(
        id: UUID(), category: chunk.category, title: chunk.title, content: chunk.text, platform: "sample",
        authorID: user.id, authorFullName: user.fullName, link: "http://127.0.0.1/\(i)", sourceHash: "")
      let stored = Chunk(id: UUID(), documentID: document.id, index: 0, text: chunk.text, tokenCount: 0)
      batch.upsert(
        [try ChunkPayload.point(stored, vector: vector, document: document, modelID: embedder.modelID)],
        into: FeatureCollections.embedded(chunk.category))
    }
    try await workspace.vectors.write(batch)
  }
}
