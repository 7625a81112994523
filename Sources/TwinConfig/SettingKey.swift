import Foundation

/// Every setting Twin reads, with its YAML key, environment variable and type.
///
/// One table is the whole schema: the YAML loader, the `.env` loader and the environment loader
/// all validate against it, so a misspelt key fails the same way wherever it is written.
public enum SettingKey: String, CaseIterable, Sendable {
  case workspace
  case allowPrivateNetwork = "allow_private_network"
  case logLevel = "log_level"
  case modelsDirectory = "models_dir"
  case crawlTimeoutSeconds = "crawl.timeout_seconds"
  case crawlMaxBodyBytes = "crawl.max_body_bytes"
  case crawlMaxRedirects = "crawl.max_redirects"
  case crawlMaxRetries = "crawl.max_retries"
  case crawlPerHostConcurrency = "crawl.per_host_concurrency"
  case crawlPerHostDelayMilliseconds = "crawl.per_host_delay_ms"
  case crawlGlobalConcurrency = "crawl.global_concurrency"
  case crawlUserAgent = "crawl.user_agent"
  case crawlRespectRobots = "crawl.respect_robots"
  case gitMaxFileBytes = "git.max_file_bytes"
  case gitTimeoutSeconds = "git.timeout_seconds"
  case featuresEmbeddingModel = "features.embedding_model"
  case featuresArticlesChunkTokens = "features.articles.chunk_tokens"
  case featuresArticlesOverlapTokens = "features.articles.overlap_tokens"
  case featuresPostsChunkTokens = "features.posts.chunk_tokens"
  case featuresPostsOverlapTokens = "features.posts.overlap_tokens"
  case featuresRepositoriesChunkTokens = "features.repositories.chunk_tokens"
  case featuresRepositoriesOverlapTokens = "features.repositories.overlap_tokens"
  case featuresHNSWM = "features.hnsw.m"
  case featuresHNSWEfConstruction = "features.hnsw.ef_construction"
  case featuresHNSWEfSearch = "features.hnsw.ef_search"
  case featuresLoadBatchSize = "features.load_batch_size"
  case llmBackend = "llm.backend"
  case llmModel = "llm.model"
  case llmBaseURL = "llm.base_url"
  case llmAPIKey = "llm.api_key"
  case llmTimeoutSeconds = "llm.timeout_seconds"
  case ragK = "rag.k"
  case ragExpansions = "rag.expansions"
  case ragSelfQuery = "rag.self_query"
  case ragReranker = "rag.reranker"
  case ragMaxTokens = "rag.max_tokens"
  case ragMaxQuestionCharacters = "rag.max_question_chars"
  case ragBannedTerms = "rag.banned_terms"
  case telemetryOTLPEndpoint = "telemetry.otlp_endpoint"

  /// The value's type and allowed range.
  public enum Kind: Sendable {
    case string
    case bool
    case integer(ClosedRange<Int>)
    case number(ClosedRange<Double>)
    case choice([String])
  }

  public var kind: Kind {
    switch self {
    case .workspace, .modelsDirectory, .crawlUserAgent, .featuresEmbeddingModel, .llmModel, .llmBaseURL, .llmAPIKey,
      .ragReranker, .ragBannedTerms, .telemetryOTLPEndpoint:
      .string
    case .allowPrivateNetwork, .crawlRespectRobots, .ragSelfQuery: .bool
    case .llmBackend: .choice(["local", "openai"])
    case .llmTimeoutSeconds: .number(1...3600)
    case .ragK: .integer(1...50)
    case .ragExpansions: .integer(0...8)
    case .ragMaxTokens: .integer(1...4096)
    case .ragMaxQuestionCharacters: .integer(16...100_000)
    case .logLevel: .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"])
    case .crawlTimeoutSeconds: .number(0.1...600)
    case .crawlMaxBodyBytes: .integer(1024...1_073_741_824)
    case .crawlMaxRedirects: .integer(0...20)
    case .crawlMaxRetries: .integer(0...10)
    case .crawlPerHostConcurrency: .integer(1...64)
    case .crawlPerHostDelayMilliseconds: .integer(0...60_000)
    case .crawlGlobalConcurrency: .integer(1...256)
    case .gitMaxFileBytes: .integer(1...104_857_600)
    case .gitTimeoutSeconds: .number(1...3600)
    case .featuresArticlesChunkTokens, .featuresPostsChunkTokens, .featuresRepositoriesChunkTokens: .integer(16...8192)
    case .featuresArticlesOverlapTokens, .featuresPostsOverlapTokens, .featuresRepositoriesOverlapTokens:
      .integer(0...4096)
    case .featuresHNSWM: .integer(2...128)
    case .featuresHNSWEfConstruction, .featuresHNSWEfSearch: .integer(1...4096)
    case .featuresLoadBatchSize: .integer(1...1024)
    }
  }

  /// The environment variable (also the `.env` key). The workspace keeps the name users know.
  public var environmentName: String {
    switch self {
    case .workspace: "TWIN_HOME"
    case .modelsDirectory: "TWIN_MODELS"
    default: "TWIN_" + rawValue.uppercased().replacingOccurrences(of: ".", with: "_")
    }
  }

  /// Environment variables that are not settings but are still Twin's, so not "unknown".
  static let reservedEnvironmentNames: Set<String> = ["TWIN_SETTINGS"]

  public static func from(environmentName name: String) -> SettingKey? {
    allCases.first { $0.environmentName == name }
  }
}
