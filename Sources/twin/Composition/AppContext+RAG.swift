import TwinCore
import TwinFeatureStore
import TwinFeatures
import TwinPipelines
import TwinRAG
import TwinTelemetry
import TwinConfig
import TwinSQLite

extension AppContext {
  /// The feature pipeline's settings (`features.*`).
  var featureSettings: FeatureSettings {
    let f = settings.features
    return FeatureSettings(
      chunking: [
        .articles: ChunkingSettings(maxTokens: f.articlesChunkTokens, overlapTokens: f.articlesOverlapTokens),
        .posts: ChunkingSettings(maxTokens: f.postsChunkTokens, overlapTokens: f.postsOverlapTokens),
        .repositories: ChunkingSettings(maxTokens: f.repositoriesChunkTokens, overlapTokens: f.repositoriesOverlapTokens),
      ],
      hnsw: HNSWSettings(m: f.hnswM, efConstruction: f.hnswEfConstruction, efSearch: f.hnswEfSearch),
      loadBatchSize: f.loadBatchSize)
  }

  /// Users for `names`, or nil for "everyone"; an unknown name is an error listing the known ones.
  func authors(_ names: [String]) async throws -> [User]? {
    guard !names.isEmpty else { return nil }
    var users: [User] = []
    for name in names {
      guard let user = try await workspace.warehouse.user(fullName: name) else {
        let known = try await workspace.warehouse.users().map(\.fullName)
        throw TwinError.notFound(
          kind: .author, name: "'\(name)'",
          hint: "known: \(known.isEmpty ? "none; run `twin etl` first" : known.joined(separator: ", "))")
      }
      users.append(user)
    }
    return users
  }

  /// The search over the feature store, with the configured embedder; `perSearch` hits asked
  /// of each (query, collection) search.
  func chunkSearch(perSearch: Int, efSearch: Int? = nil) throws -> ChunkSearch {
    ChunkSearch(
      store: workspace.vectors, embedder: try embedder(), perSearch: perSearch,
      efSearch: efSearch ?? settings.features.hnswEfSearch)
  }

  /// The RAG flow's settings (`rag.*`), with its reranker loaded.
  func ragSettings() throws -> RAGSettings {
    var rag = RAGSettings()
    rag.k = settings.rag.k
    rag.expansions = settings.rag.expansions
    rag.selfQuery = settings.rag.selfQuery
    rag.reranker = try reranker()
    rag.maxTokens = settings.rag.maxTokens
    rag.guardrails = Guardrails(
      maxQuestionCharacters: settings.rag.maxQuestionCharacters,
      bannedTerms: settings.rag.bannedTerms.split(separator: ",").map(String.init))
    return rag
  }

  /// The RAG service over the workspace's feature store, warehouse and trace store, and the
  /// OTLP exporter to run beside it when `telemetry.otlp_endpoint` is set.
  func ragService(model: String? = nil) async throws -> (service: RAGService, exporter: OTLPTraceExporter?) {
    let (traces, exporter) = try traceStore()
    let service = RAGService(
      llm: try await languageModel(model), search: try chunkSearch(perSearch: max(8, 2 * settings.rag.k)),
      warehouse: workspace.warehouse, traces: traces, settings: try ragSettings())
    return (service, exporter)
  }
}
