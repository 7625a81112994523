import Foundation
import TwinCore

/// Twin's resolved settings, after YAML, `.env`, the environment and command-line overrides.
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
  /// Where traces are exported over OTLP/HTTP (such as `http://localhost:4318/v1/traces`);
  /// empty: traces are only stored in the workspace.
  public var otlpEndpoint = ""

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

    /// Without the API key, so settings can be logged.
    public var description: String {
      "LLM(backend: \(backend), model: \(model), base_url: \(baseURL), api_key: \(apiKey.isEmpty ? "none" : "set"))"
    }
  }

  /// The RAG flow: chunks kept, expansions, self-query, reranker, answer length, guardrails.
  public struct RAG: Sendable, Equatable {
    public var k = 3
    public var expansions = 2
    public var selfQuery = true
    /// `fusion` (default), `none`, or a cross-encoder model name or directory.
    public var reranker = "fusion"
    public var maxTokens = 200
    public var maxQuestionCharacters = 2000
    /// Comma-separated terms an answer must not contain.
    public var bannedTerms = ""
  }

  /// Crawler politeness and limits.
  public struct Crawl: Sendable, Equatable {
    public var timeoutSeconds: Double = 30
    public var maxBodyBytes = 8 * 1024 * 1024
    public var maxRedirects = 5
    public var maxRetries = 3
    public var perHostConcurrency = 2
    public var perHostDelayMilliseconds = 250
    public var globalConcurrency = 8
    public var userAgent = "TwinBot/0.1 (+https://github.com/twin-llm/twin; LLM twin crawler)"
    public var respectRobots = true
  }

  /// Limits for cloning and reading repositories.
  public struct Git: Sendable, Equatable {
    public var maxFileBytes = 256 * 1024
    public var timeoutSeconds: Double = 120
  }

  public init() {}

  /// The feature pipeline: embedding model, chunk sizes (content tokens) and HNSW parameters.
  public struct Features: Sendable, Equatable {
    public var embeddingModel = "minilm"
    public var articlesChunkTokens = 240
    public var articlesOverlapTokens = 32
    public var postsChunkTokens = 240
    public var postsOverlapTokens = 24
    public var repositoriesChunkTokens = 240
    public var repositoriesOverlapTokens = 24
    public var hnswM = 16
    public var hnswEfConstruction = 200
    public var hnswEfSearch = 64
    public var loadBatchSize = 16
  }

  public static var defaultModelsDirectory: String {
    let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
    return (home as NSString).appendingPathComponent(".cache/twin/models")
  }

  /// Applies one validated value. `source` names where it came from, for error messages.
  mutating func apply(_ key: SettingKey, raw: String, source: String) throws {
    func fail(_ why: String) -> TwinError {
      .configuration("\(source): \(key.rawValue) \(why) (got '\(raw)')")
    }
    func int(_ range: ClosedRange<Int>) throws -> Int {
      guard let v = Int(raw.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
        throw fail("must be a whole number in \(range.lowerBound)...\(range.upperBound)")
      }
      return v
    }
    func number(_ range: ClosedRange<Double>) throws -> Double {
      guard let v = Double(raw.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
        throw fail("must be a number in \(range.lowerBound)...\(range.upperBound)")
      }
      return v
    }
    func bool() throws -> Bool {
      switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
      case "1", "true", "yes", "on": return true
      case "0", "false", "no", "off", "": return false
      default: throw fail("must be true or false")
      }
    }
    func string() throws -> String {
      guard !raw.isEmpty else { throw fail("must not be empty") }
      return raw
    }
    switch key {
    case .workspace: workspace = try string()
    case .allowPrivateNetwork: allowPrivateNetwork = try bool()
    case .logLevel:
      guard case .choice(let options) = key.kind, options.contains(raw.lowercased()) else {
        throw fail("must be one of trace, debug, info, notice, warning, error, critical")
      }
      logLevel = raw.lowercased()
    case .modelsDirectory: modelsDirectory = try string()
    case .crawlTimeoutSeconds: crawl.timeoutSeconds = try number(0.1...600)
    case .crawlMaxBodyBytes: crawl.maxBodyBytes = try int(1024...1_073_741_824)
    case .crawlMaxRedirects: crawl.maxRedirects = try int(0...20)
    case .crawlMaxRetries: crawl.maxRetries = try int(0...10)
    case .crawlPerHostConcurrency: crawl.perHostConcurrency = try int(1...64)
    case .crawlPerHostDelayMilliseconds: crawl.perHostDelayMilliseconds = try int(0...60_000)
    case .crawlGlobalConcurrency: crawl.globalConcurrency = try int(1...256)
    case .crawlUserAgent: crawl.userAgent = try string()
    case .crawlRespectRobots: crawl.respectRobots = try bool()
    case .gitMaxFileBytes: git.maxFileBytes = try int(1...104_857_600)
    case .gitTimeoutSeconds: git.timeoutSeconds = try number(1...3600)
    case .featuresEmbeddingModel: features.embeddingModel = try string()
    case .featuresArticlesChunkTokens: features.articlesChunkTokens = try int(16...8192)
    case .featuresArticlesOverlapTokens: features.articlesOverlapTokens = try int(0...4096)
    case .featuresPostsChunkTokens: features.postsChunkTokens = try int(16...8192)
    case .featuresPostsOverlapTokens: features.postsOverlapTokens = try int(0...4096)
    case .featuresRepositoriesChunkTokens: features.repositoriesChunkTokens = try int(16...8192)
    case .featuresRepositoriesOverlapTokens: features.repositoriesOverlapTokens = try int(0...4096)
    case .featuresHNSWM: features.hnswM = try int(2...128)
    case .featuresHNSWEfConstruction: features.hnswEfConstruction = try int(1...4096)
    case .featuresHNSWEfSearch: features.hnswEfSearch = try int(1...4096)
    case .featuresLoadBatchSize: features.loadBatchSize = try int(1...1024)
    case .llmBackend:
      guard ["local", "openai"].contains(raw.lowercased()) else { throw fail("must be local or openai") }
      llm.backend = raw.lowercased()
    case .llmModel: llm.model = try string()
    case .llmBaseURL: llm.baseURL = raw.trimmingCharacters(in: .whitespaces)
    case .llmAPIKey:
      // Never echo a key in an error: `fail` would print it.
      llm.apiKey = raw.trimmingCharacters(in: .whitespacesAndNewlines)
    case .llmTimeoutSeconds: llm.timeoutSeconds = try number(1...3600)
    case .ragK: rag.k = try int(1...50)
    case .ragExpansions: rag.expansions = try int(0...8)
    case .ragSelfQuery: rag.selfQuery = try bool()
    case .ragReranker: rag.reranker = try string()
    case .ragMaxTokens: rag.maxTokens = try int(1...4096)
    case .ragMaxQuestionCharacters: rag.maxQuestionCharacters = try int(16...100_000)
    case .ragBannedTerms: rag.bannedTerms = raw
    case .telemetryOTLPEndpoint: otlpEndpoint = raw.trimmingCharacters(in: .whitespaces)
    }
  }
}
