import ArgumentParser
import Foundation
import TwinCore
import TwinFeatureStore
import TwinPipelines
import TwinRAG
import TwinConfig
import TwinSQLite

/// `twin search`: semantic search over the embedded chunks.
struct SearchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract: "Find the chunks nearest a query in the feature store.",
    discussion: """
      Embeds the query with the feature pipeline's model and searches the embedded_* collections \
      (all three, or --category), optionally only one author's chunks. Prints score (cosine \
      similarity), title, link and chunk text, best first. Run `twin features` first.
      """)

  @Argument(help: "What to look for.")
  var query: String

  @Option(name: .long, help: "Only this author's chunks (repeatable).")
  var author: [String] = []

  @Option(name: .long, help: "articles, posts or repositories (repeatable). Default: all.")
  var category: [DocumentCategory] = []

  @Option(name: .customLong("k"), help: "How many chunks to return.")
  var k = 5

  @Option(name: .long, help: "HNSW search width (default: features.hnsw.ef_search).")
  var efSearch: Int?

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    guard (1...1000).contains(k) else { throw ValidationError("--k must be between 1 and 1000") }
    guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError("the query is empty") }
  }

  func run() async throws {
    let app = try await AppContext.open(global: global, workspace: .readOnly)
    let hits = try await FeatureSearch.run(
      app: app, query: query, authors: author, categories: category, k: k, efSearch: efSearch)
    if app.json { return try Output.json(hits) }
    if hits.isEmpty {
      print("no chunks found (run `twin features` to fill the feature store)")
      return
    }
    for (i, hit) in hits.enumerated() { FeatureSearch.print(hit, rank: i + 1) }
  }
}

/// Query embedding and search across categories; shared with `twin quickstart`.
enum FeatureSearch {
  static func run(
    app: AppContext, query: String, authors: [String], categories: [DocumentCategory], k: Int, efSearch: Int?
  ) async throws -> [RetrievedChunk] {
    let users = try await app.authors(authors)
    // The same search RAG runs (every collection in parallel, merged), for one query.
    let search = try app.chunkSearch(perSearch: k, efSearch: efSearch)
    let candidates = try await search.run(
      queries: [query], authorIDs: users.map { $0.map(\.id) }, categories: categories, trace: nil)
    return candidates.prefix(k).map { candidate in
      var chunk = candidate.chunk
      chunk.score = candidate.similarity
      return chunk
    }
  }

  static func print(_ hit: RetrievedChunk, rank: Int) {
    let title = hit.title ?? hit.filePath ?? "(untitled)"
    Swift.print(String(format: "%d. %.3f  ", rank, hit.score) + "\(title) — \(hit.authorFullName) [\(hit.category)]")
    if let link = hit.link { Swift.print("   \(link)\(hit.filePath.map { " (\($0))" } ?? "")") }
    let text = hit.content.replacingOccurrences(of: "\n", with: " ")
    Swift.print("   " + (text.count > 300 ? text.prefix(300) + "…" : text))
  }
}

