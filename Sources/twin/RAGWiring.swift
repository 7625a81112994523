import Foundation
import TwinConfig
import TwinCore
import TwinFeatureStore
import TwinEmbeddings
import TwinLLM
import TwinOpenAI
import TwinRAG
import TwinTelemetry
import TwinModelStore
import TwinSQLite

/// Builds the LLM client and the RAG service from settings.
enum RAGWiring {
  /// The LLM port's backend named by `llm.backend`: the in-process engine (pulling a known model
  /// on first use) or an OpenAI-compatible server. `model` overrides `llm.model`.
  static func languageModel(_ settings: Settings, model: String? = nil, quiet: Bool, maxBatch: Int = 16) async throws
    -> any LanguageModelClient
  {
    let name = model ?? settings.llm.model
    switch settings.llm.backend {
    case "openai":
      guard !settings.llm.baseURL.isEmpty else {
        throw TwinError.configuration("llm.backend is openai but llm.base_url (TWIN_LLM_BASE_URL) is not set")
      }
      let key = settings.llm.apiKey.isEmpty ? ProcessInfo.processInfo.environment["OPENAI_API_KEY"] : settings.llm.apiKey
      return try OpenAICompatibleClient(
        baseURL: settings.llm.baseURL, model: name, apiKey: key, timeoutSeconds: settings.llm.timeoutSeconds)
    default:
      try await QuickstartCommand.ensureModel(name, quiet: quiet)
      let resolved = try ModelsCommand.store().resolve(name)
      guard resolved.url.pathExtension.lowercased() == "gguf" else {
        throw TwinError.invalidInput("\(name) is not a GGUF language model (\(resolved.url.path))")
      }
      return try LocalLanguageModel(
        url: resolved.url, name: resolved.name ?? resolved.url.lastPathComponent, maxBatch: maxBatch)
    }
  }

  /// The reranker named by `rag.reranker`: `fusion`, `none`, or a cross-encoder model.
  static func reranker(_ settings: Settings) throws -> Reranker {
    switch settings.rag.reranker.lowercased() {
    case "fusion": return .fusion
    case "none": return .none
    default:
      let resolved = try ModelsCommand.store().resolve(settings.rag.reranker)
      let encoder = try CrossEncoder(modelDirectory: resolved.directory)
      return .crossEncoder(name: resolved.name ?? settings.rag.reranker) { question, passages in
        try await encoder.score(query: question, passages: passages)
      }
    }
  }

  static func ragSettings(_ settings: Settings) throws -> RAGSettings {
    var rag = RAGSettings()
    rag.k = settings.rag.k
    rag.expansions = settings.rag.expansions
    rag.selfQuery = settings.rag.selfQuery
    rag.reranker = try reranker(settings)
    rag.maxTokens = settings.rag.maxTokens
    rag.guardrails = Guardrails(
      maxQuestionCharacters: settings.rag.maxQuestionCharacters,
      bannedTerms: settings.rag.bannedTerms.split(separator: ",").map(String.init))
    return rag
  }

  /// The RAG service over the workspace's feature store, warehouse and trace store (which
  /// also exports over OTLP when `telemetry.otlp_endpoint` is set: run the returned exporter).
  static func service(app: AppContext, model: String? = nil) async throws -> RAGService {
    try await serviceAndExporter(app: app, model: model).service
  }

  static func serviceAndExporter(app: AppContext, model: String? = nil) async throws
    -> (service: RAGService, exporter: OTLPTraceExporter?)
  {
    let (traces, exporter) = try TelemetryWiring.traceStore(app)
    let llm = try await languageModel(app.settings, model: model, quiet: app.json)
    let embedder = try FeatureWiring.embedder(app.settings)
    let service = RAGService(
      llm: llm,
      search: ChunkSearch(
        store: app.workspace.vectors, embedder: embedder, perSearch: max(8, 2 * app.settings.rag.k),
        efSearch: app.settings.features.hnswEfSearch),
      warehouse: app.workspace.warehouse, traces: traces, settings: try ragSettings(app.settings))
    return (service, exporter)
  }
}
