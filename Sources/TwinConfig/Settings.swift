import Foundation
import TwinCore
import TwinCrawlers
import TwinDatasets
import TwinFeatures
import TwinPipelines
import TwinRAG

/// Twin's resolved settings, after YAML, `.env`, the environment and command-line overrides.
///
/// Each default comes from the module that uses the value (`FetchPolicy`, `ChunkingSettings`,
/// `RAGSettings`, …), so it is written once; settings no module owns (the workspace, the LLM
/// backend) are defaulted here. Keys, ranges and help are declared once, in ``table``.
public struct Settings: Sendable, Equatable {
  /// The workspace directory holding the databases and the artifact store.
  public var workspace: String = ".twin"
  /// Let crawlers reach loopback, private and link-local addresses (off: SSRF guard).
  public var allowPrivateNetwork = false
  public var logLevel = "warning"
  /// The model cache, outside the workspace so several workspaces share downloads.
  public var modelsDirectory: String = Settings.defaultModelsDirectory
  public var crawl = Crawl()
  public var git = Git()
  public var features = Features()
  public var llm = LLM()
  public var rag = RAG()
  /// The dataset pipeline's extract sizes, generation, filters and split.
  public var datasets = DatasetSettings()
  /// The model that writes dataset instructions; empty: qwen2.5-coder-1.5b-instruct when it is
  /// pulled, else `llm.model` (with a warning).
  public var datasetTeacher = ""
  /// Where traces are exported over OTLP/HTTP (such as `http://localhost:4318/v1/traces`);
  /// empty: traces are only stored in the workspace.
  public var otlpEndpoint = ""
  /// An MLflow tracking server (`http://127.0.0.1:5000`) that runs and registered models are
  /// mirrored to; empty: they stay in the workspace only.
  public var mlflowURI = ""
  /// The metric `twin registry promote` compares (a ``EvaluationMetric`` name).
  public var promotionMetric = PromotionPolicy.standard.metric.rawValue
  /// How much better, relatively, a candidate must be than `production`.
  public var promotionMargin = PromotionPolicy.standard.margin
  /// The model that judges answers in `twin evaluate`; empty: no judge (judge-free metrics).
  public var evaluationJudge = ""

  /// The promotion gate the settings describe.
  public var promotionPolicy: PromotionPolicy {
    // The table validated the metric's name, so parsing cannot fail here.
    PromotionPolicy(metric: EvaluationMetric(rawValue: promotionMetric) ?? .perplexity, margin: promotionMargin)
  }

  /// Which language model answers: the in-process engine, or an OpenAI-compatible server.
  public struct LLM: Sendable, Equatable, CustomStringConvertible {
    /// `local` (a GGUF model run in process) or `openai` (any OpenAI-compatible server).
    public var backend = "local"
    /// A model name from `twin models list` or a .gguf path (local), or the server's model name.
    public var model = "smollm2-135m-instruct"
    /// The server's API root, such as `http://127.0.0.1:8000/v1` (openai backend).
    public var baseURL = ""
    /// The server's API key (openai backend). A secret: never printed.
    public var apiKey = ""
    public var timeoutSeconds: Double = 300
    /// The values `llm.timeout_seconds` accepts.
    public static let timeoutRange = 1.0...3600.0
    /// In-process engine: the longest JSON string a schema leaves unbounded.
    public var jsonMaxStringCharacters = JSONLengthLimits().stringCharacters
    /// In-process engine: the longest JSON object key a schema does not name.
    public var jsonMaxKeyCharacters = JSONLengthLimits().keyCharacters
    /// In-process engine: MiB of recent prompts' keys and values kept for reuse (0: off).
    public var prefixCacheMiB = PromptCacheLimits.defaultMiB

    /// `prefixCacheMiB` in bytes.
    public var prefixCacheBytes: Int { prefixCacheMiB << 20 }

    /// The JSON bounds these settings give.
    public var jsonLimits: JSONLengthLimits {
      JSONLengthLimits(stringCharacters: jsonMaxStringCharacters, keyCharacters: jsonMaxKeyCharacters)
    }

    /// Without the API key, so settings can be logged.
    public var description: String {
      "LLM(backend: \(backend), model: \(model), base_url: \(baseURL), api_key: \(apiKey.isEmpty ? "none" : "set"))"
    }
  }

  /// The RAG flow: chunks kept, expansions, self-query, reranker, answer length, guardrails.
  public struct RAG: Sendable, Equatable {
    public var k = RAGSettings().k
    public var expansions = RAGSettings().expansions
    public var selfQuery = RAGSettings().selfQuery
    /// `fusion` (default), `none`, or a cross-encoder model name or directory.
    public var reranker = RAGSettings().reranker.name
    public var maxTokens = RAGSettings().maxTokens
    public var maxQuestionCharacters = Guardrails().maxQuestionCharacters
    /// Comma-separated terms an answer must not contain.
    public var bannedTerms = ""
  }

  /// Crawler politeness and limits.
  public struct Crawl: Sendable, Equatable {
    public var timeoutSeconds = FetchPolicy().totalTimeout.settingSeconds
    public var maxBodyBytes = FetchPolicy().maxBodyBytes
    public var maxRedirects = FetchPolicy().maxRedirects
    public var maxRetries = FetchPolicy().maxRetries
    public var perHostConcurrency = FetchPolicy().perHostConcurrency
    public var perHostDelayMilliseconds = Int(FetchPolicy().perHostMinimumDelay.settingSeconds * 1000)
    public var globalConcurrency = FetchPolicy().globalConcurrency
    public var userAgent = FetchPolicy().userAgent
    public var respectRobots = FetchPolicy().respectsRobotsTxt
  }

  /// Limits for cloning and reading repositories.
  public struct Git: Sendable, Equatable {
    public var maxFileBytes = GitRepositoryCrawler().maxFileBytes
    public var timeoutSeconds = GitRepositoryCrawler().timeout.settingSeconds
  }

  public init() {}

  /// The feature pipeline: embedding model, chunk sizes (content tokens) and HNSW parameters.
  public struct Features: Sendable, Equatable {
    public var embeddingModel = FeatureSettings.defaultEmbeddingModel
    public var articlesChunkTokens = ChunkingSettings.defaults(for: .articles).maxTokens
    public var articlesOverlapTokens = ChunkingSettings.defaults(for: .articles).overlapTokens
    public var postsChunkTokens = ChunkingSettings.defaults(for: .posts).maxTokens
    public var postsOverlapTokens = ChunkingSettings.defaults(for: .posts).overlapTokens
    public var repositoriesChunkTokens = ChunkingSettings.defaults(for: .repositories).maxTokens
    public var repositoriesOverlapTokens = ChunkingSettings.defaults(for: .repositories).overlapTokens
    public var hnswM = HNSWSettings().m
    public var hnswEfConstruction = HNSWSettings().efConstruction
    public var hnswEfSearch = HNSWSettings().efSearch
    public var loadBatchSize = FeatureSettings().loadBatchSize
  }

  public static var defaultModelsDirectory: String {
    let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
    return (home as NSString).appendingPathComponent(".cache/twin/models")
  }
}
