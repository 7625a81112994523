import TwinCore
import TwinCrawlers
import TwinDatasets
import TwinFeatures
import TwinPipelines
import TwinRAG
import TwinTensor

extension Settings {
  /// Every setting Twin reads, in the example file's order: the whole schema, declared once.
  ///
  /// The YAML, `.env` and environment loaders validate against it, so a misspelt key fails the
  /// same way wherever it is written; `configs/twin.example.yaml` is ``exampleYAML`` (a test
  /// keeps them in step). Ranges come from the module that uses the value.
  public static let table: [Setting] = [
    .text("workspace", \.workspace, environmentName: "TWIN_HOME", "where Twin keeps its databases and artifacts"),
    .text(
      "models_dir", \.modelsDirectory, environmentName: "TWIN_MODELS", exampleValue: "~/.cache/twin/models",
      "the model cache, shared by workspaces"),
    .bool("allow_private_network", \.allowPrivateNetwork, "let crawlers reach loopback/private addresses (SSRF guard off)"),
    .choice(
      "log_level", \.logLevel, ["trace", "debug", "info", "notice", "warning", "error", "critical"],
      "trace, debug, info, notice, warning, error, critical"),

    .number(
      "crawl.timeout_seconds", \.crawl.timeoutSeconds, FetchPolicy.Ranges.totalTimeoutSeconds,
      "the longest one fetch may take: body, redirects and retries included"),
    .integer("crawl.max_body_bytes", \.crawl.maxBodyBytes, FetchPolicy.Ranges.maxBodyBytes, "larger pages are refused"),
    .integer("crawl.max_redirects", \.crawl.maxRedirects, FetchPolicy.Ranges.maxRedirects, "redirects one fetch follows"),
    .integer(
      "crawl.max_retries", \.crawl.maxRetries, FetchPolicy.Ranges.maxRetries, "retries of 429, 5xx and connection errors"),
    .integer(
      "crawl.per_host_concurrency", \.crawl.perHostConcurrency, FetchPolicy.Ranges.perHostConcurrency,
      "requests in flight to one host"),
    .integer(
      "crawl.per_host_delay_ms", \.crawl.perHostDelayMilliseconds, FetchPolicy.Ranges.perHostDelayMilliseconds,
      "least time between two requests to one host"),
    .integer(
      "crawl.global_concurrency", \.crawl.globalConcurrency, FetchPolicy.Ranges.globalConcurrency,
      "requests in flight in total"),
    .text("crawl.user_agent", \.crawl.userAgent, verbatim: true, "sent with every request, robots.txt included"),
    .bool("crawl.respect_robots", \.crawl.respectRobots, "fetch and obey robots.txt"),

    .integer(
      "git.max_file_bytes", \.git.maxFileBytes, GitRepositoryCrawler.Ranges.maxFileBytes,
      "larger files in a repository are skipped"),
    .number("git.timeout_seconds", \.git.timeoutSeconds, GitRepositoryCrawler.Ranges.timeoutSeconds, "a clone is stopped after this"),

    .text(
      "features.embedding_model", \.features.embeddingModel, "a name from `twin models list`, or a model directory"),
    .integer(
      "features.articles.chunk_tokens", \.features.articlesChunkTokens, ChunkingSettings.Ranges.maxTokens,
      "content tokens per chunk; at most the model's window (254 for MiniLM)"),
    .integer(
      "features.articles.overlap_tokens", \.features.articlesOverlapTokens, ChunkingSettings.Ranges.overlapTokens,
      "tokens a chunk repeats from the one before"),
    .integer(
      "features.posts.chunk_tokens", \.features.postsChunkTokens, ChunkingSettings.Ranges.maxTokens,
      "content tokens per chunk"),
    .integer(
      "features.posts.overlap_tokens", \.features.postsOverlapTokens, ChunkingSettings.Ranges.overlapTokens,
      "tokens a chunk repeats from the one before"),
    .integer(
      "features.repositories.chunk_tokens", \.features.repositoriesChunkTokens, ChunkingSettings.Ranges.maxTokens,
      "content tokens per chunk (files are packed whole where they fit)"),
    .integer(
      "features.repositories.overlap_tokens", \.features.repositoriesOverlapTokens,
      ChunkingSettings.Ranges.overlapTokens, "tokens a chunk repeats from the one before"),
    .integer("features.hnsw.m", \.features.hnswM, HNSWSettings.Ranges.m, "links per graph node"),
    .integer(
      "features.hnsw.ef_construction", \.features.hnswEfConstruction, HNSWSettings.Ranges.efConstruction,
      "candidates while building; higher builds slower, finds better links"),
    .integer(
      "features.hnsw.ef_search", \.features.hnswEfSearch, HNSWSettings.Ranges.efSearch,
      "candidates while searching; higher is slower, more accurate"),
    .integer(
      "features.load_batch_size", \.features.loadBatchSize, FeatureSettings.loadBatchSizeRange,
      "documents per vector-store transaction"),

    .choice(
      "llm.backend", \.llm.backend, ["local", "openai"],
      "local (GGUF in process) or openai (any OpenAI-compatible server)"),
    .text(
      "llm.model", \.llm.model, "a name from `twin models list`, a .gguf path, or the server's model name"),
    .text(
      "llm.base_url", \.llm.baseURL, mayBeEmpty: true,
      "openai backend: the API root, such as http://127.0.0.1:8000/v1"),
    .secret("llm.api_key", \.llm.apiKey, "openai backend (or OPENAI_API_KEY); never logged or traced"),
    .number("llm.timeout_seconds", \.llm.timeoutSeconds, Settings.LLM.timeoutRange, "the longest one completion may take"),
    .integer(
      "llm.json_max_string_chars", \.llm.jsonMaxStringCharacters, JSONLengthLimits.stringRange,
      "local engine: the longest JSON string a schema leaves unbounded (json_object mode)"),
    .integer(
      "llm.json_max_key_chars", \.llm.jsonMaxKeyCharacters, JSONLengthLimits.keyRange,
      "local engine: the longest JSON key a schema does not name"),
    .integer(
      "llm.prefix_cache_mib", \.llm.prefixCacheMiB, PromptCacheLimits.mibRange,
      "local engine: memory for recent prompts' keys and values, reused by prompts that start the same way (0: off)"),

    .integer("rag.k", \.rag.k, RAGSettings.Ranges.k, "chunks kept after reranking, cited as [1]..[k]"),
    .integer("rag.expansions", \.rag.expansions, RAGSettings.Ranges.expansions, "alternative phrasings from the LLM (0: none)"),
    .bool("rag.self_query", \.rag.selfQuery, "the LLM picks the author the question names"),
    .text("rag.reranker", \.rag.reranker, "fusion, none, or a cross-encoder model"),
    .integer("rag.max_tokens", \.rag.maxTokens, RAGSettings.Ranges.maxTokens, "the longest answer, in tokens"),
    .integer(
      "rag.max_question_chars", \.rag.maxQuestionCharacters, RAGSettings.Ranges.maxQuestionCharacters,
      "longer questions are refused"),
    .text(
      "rag.banned_terms", \.rag.bannedTerms, mayBeEmpty: true, verbatim: true,
      "comma-separated; an answer containing one is refused"),

    .text(
      "datasets.teacher", \.datasetTeacher, mayBeEmpty: true,
      "the model that writes instructions; empty: qwen2.5-coder-1.5b-instruct if pulled, else llm.model"),
    .integer(
      "datasets.extract_min_chars", \.datasets.extractMinCharacters, ExtractCutter.sizeRange,
      "shortest extract a prompt is built from (shorter documents are one extract)"),
    .integer(
      "datasets.extract_max_chars", \.datasets.extractMaxCharacters, ExtractCutter.sizeRange,
      "longest extract; cut on paragraph and sentence boundaries"),
    .integer(
      "datasets.concurrency", \.datasets.generation.concurrency, GenerationSettings.concurrencyRange,
      "prompts in flight at once (batched by the local engine)"),
    .integer(
      "datasets.retries", \.datasets.generation.retries, GenerationSettings.retriesRange,
      "further attempts at a failed prompt before it is recorded as failed"),
    .integer(
      "datasets.max_tokens", \.datasets.generation.maxTokens, GenerationSettings.maxTokensRange,
      "the longest reply to a generation prompt"),
    .number(
      "datasets.temperature", \.datasets.generation.temperature, CompletionLimits.temperature,
      "0 is greedy (reproducible); retries sample at 0.7 or more"),
    .number(
      "datasets.test_split", \.datasets.split.testFraction, DatasetSplitter.fractionRange,
      "share of each category's samples held out for test"),
    .number(
      "datasets.min_grounding", \.datasets.postProcessing.grounding.minimumShare, Grounding.shareRange,
      "least share of an answer's content words found in its extract"),
    .number(
      "datasets.near_duplicate_similarity", \.datasets.postProcessing.deduplicator.threshold,
      Deduplicator.thresholdRange, "embedding cosine at which a sample is a near duplicate"),

    .text(
      "telemetry.otlp_endpoint", \.otlpEndpoint, mayBeEmpty: true,
      "such as http://localhost:4318/v1/traces; empty: traces stay in the workspace"),
    .text(
      "tracking.mlflow_uri", \.mlflowURI, mayBeEmpty: true,
      "an MLflow tracking server runs and models are mirrored to, such as http://127.0.0.1:5000; empty: none"),

    .choice(
      "registry.promotion_metric", \.promotionMetric, EvaluationMetric.allCases.map(\.rawValue),
      "the evaluation metric `twin registry promote` compares with production"),
    .number(
      "registry.promotion_margin", \.promotionMargin, PromotionPolicy.marginRange,
      "how much better (relatively: 0.02 is 2 %) a candidate must be than production"),
    .text(
      "evaluation.judge", \.evaluationJudge, mayBeEmpty: true,
      "the model that scores accuracy and style in `twin evaluate`; empty: judge-free metrics only"),
  ]

  /// The setting whose YAML key is `key`.
  public static func setting(forKey key: String) -> Setting? { table.first { $0.key == key } }

  /// The setting read from the environment variable `name`.
  public static func setting(forEnvironmentName name: String) -> Setting? {
    table.first { $0.environmentName == name }
  }

  /// Environment variables that are not settings but are still Twin's, so not "unknown":
  /// the settings file's path, the compute threads (read by `TwinTensor`'s thread pool before
  /// any settings exist) and the servers' API keys (read by `twin serve`, never stored).
  static let reservedEnvironmentNames: Set<String> = [
    "TWIN_SETTINGS", ComputeThreads.environmentName, "TWIN_SERVE_API_KEYS",
  ]
}
