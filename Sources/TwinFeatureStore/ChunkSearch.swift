import Foundation
import TwinCore

/// The one search over the feature store: every query (a question and its expansions) against
/// every embedded collection, in parallel, with the author filter; hits merged by chunk id.
/// `twin search` and RAG both search through here.
public struct ChunkSearch: Sendable {
  public let store: any VectorStore
  public let embedder: any TextEmbedder
  /// Hits asked of each (query, collection) search.
  public var perSearch: Int
  public var efSearch: Int

  public init(store: any VectorStore, embedder: any TextEmbedder, perSearch: Int = 8, efSearch: Int = 64) {
    self.store = store
    self.embedder = embedder
    self.perSearch = perSearch
    self.efSearch = efSearch
  }

  /// A chunk found by one or more searches.
  public struct Candidate: Sendable, Hashable, Codable {
    public var chunk: RetrievedChunk
    /// Its best cosine similarity over the queries.
    public var similarity: Float
    /// Its rank (0-based) in each query's merged list, by query index; for rank fusion.
    public var ranks: [Int: Int]
  }

  /// Runs the searches (one trace span each when `trace` is given) and returns the distinct
  /// chunks, most similar first.
  public func run(
    queries: [String], authorIDs: [UUID]?, categories: [DocumentCategory], trace: TraceRecorder?
  ) async throws -> [Candidate] {
    let existing = Set(try await store.collections().map(\.name))
    let collections = (categories.isEmpty ? DocumentCategory.allCases : categories).map(FeatureCollections.embedded)
      .filter(existing.contains)
    guard !collections.isEmpty, !queries.isEmpty else { return [] }
    let vectors = try await embedder.embed(queries)
    let filter = authorIDs.map(ChunkPayload.authors)
    let store = store
    let (k, ef) = (perSearch, efSearch)

    // (query index, hits) per search, run side by side.
    let results = try await withThrowingTaskGroup(of: (Int, [ScoredPoint]).self) { group in
      for (q, vector) in vectors.enumerated() {
        for name in collections {
          group.addTask {
            let input: JSONValue = .object([
              "query": .string(queries[q]), "collection": .string(name),
              "author_ids": authorIDs.map { .array($0.map { .string($0.uuidString) }) } ?? .null, "k": .int(k),
            ])
            guard let trace else {
              return (q, try await store.search(in: name, vector: vector, k: k, filter: filter, efSearch: ef))
            }
            let hits = try await trace.span("search", input: input) {
              let hits = try await store.search(in: name, vector: vector, k: k, filter: filter, efSearch: ef)
              let output: JSONValue = .array(
                hits.map { .object(["id": .string($0.point.id), "score": .double(Double($0.score))]) })
              return (hits, output, ["collection": .string(name), "query": .int(q), "hits": .int(hits.count)])
            }
            return (q, hits)
          }
        }
      }
      var all: [(Int, [ScoredPoint])] = []
      for try await result in group { all.append(result) }
      return all
    }

    // Per query, its hits over all collections, best first, give each chunk its rank.
    var byID: [String: Candidate] = [:]
    for q in queries.indices {
      let hits = try results.filter { $0.0 == q }.flatMap(\.1).map { (hit: $0, chunk: try RetrievedChunk($0)) }
        .sorted { ($0.hit.score, $1.chunk.tieBreaker) > ($1.hit.score, $0.chunk.tieBreaker) }
      for (rank, (hit, chunk)) in hits.enumerated() {
        if var seen = byID[hit.point.id] {
          seen.similarity = max(seen.similarity, hit.score)
          seen.ranks[q] = min(seen.ranks[q] ?? rank, rank)
          byID[hit.point.id] = seen
        } else {
          byID[hit.point.id] = Candidate(chunk: chunk, similarity: hit.score, ranks: [q: rank])
        }
      }
    }
    return byID.values.sorted { ($0.similarity, $1.chunk.tieBreaker) > ($1.similarity, $0.chunk.tieBreaker) }
  }
}
