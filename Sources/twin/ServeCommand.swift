import ArgumentParser
import Foundation
import TwinCore
import TwinLLM
import TwinServer
import TwinConfig
import TwinRAG
import TwinSQLite
import TwinTelemetry

/// `twin serve`: Twin's HTTP services.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run Twin's HTTP services.",
    subcommands: [LLM.self, API.self])

  /// The API keys from `--api-key` and `TWIN_SERVE_API_KEYS`, under the servers' policy.
  static func keys(_ given: [String], host: String) throws -> [String] {
    try APIKeyPolicy(
      options: given, environment: ProcessInfo.processInfo.environment["TWIN_SERVE_API_KEYS"], host: host
    ).keys
  }

  struct API: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "api",
      abstract: "Serve the RAG business service: /rag, /rag/jobs, /feedback.",
      discussion: """
        POST /rag {query, author?, k?, stream?} answers with {answer, sources, trace_id} (server- \
        sent events with stream: true); POST /rag/jobs queues a question and GET /rag/jobs/{id} \
        returns its status and result (jobs are stored in the workspace and resumed after a \
        restart); POST /feedback {trace_id, score, comment?, corrected_answer?} stores feedback \
        with the trace. GET /health, /metrics (Prometheus) and /openapi.json. The LLM is \
        llm.backend: local (in this process) or openai (`twin serve llm` or any OpenAI-compatible \
        server at llm.base_url). Binds to 127.0.0.1; elsewhere it needs --api-key. Ctrl-C or SIGTERM \
        stops it within seconds: a running job is put back in the queue and resumed on the next start.
        """)

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port (0 picks a free one).")
    var port = 8080

    @Option(name: .long, help: "An accepted API key (repeatable). Required off loopback.")
    var apiKey: [String] = []

    @Option(name: .long, help: "The LLM (default: llm.model).")
    var model: String?

    @Option(name: .long, help: "How many /rag/jobs may wait or run at once before new ones get 429.")
    var jobQueueLimit = APIServer.Configuration().jobQueueLimit

    @Option(name: .long, help: "The longest a /rag request may take, in seconds, waiting and streaming included.")
    var timeout = APIServer.Configuration().timeoutSeconds

    @OptionGroup var global: GlobalOptions

    func validate() throws {
      guard (1...100_000).contains(jobQueueLimit) else {
        throw ValidationError("--job-queue-limit must be between 1 and 100000 (got \(jobQueueLimit))")
      }
      guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
      let keys = try ServeCommand.keys(apiKey, host: host)
      let app = try await AppContext.open(global: global)
      let (service, exporter) = try await app.ragService(model: model)
      var configuration = APIServer.Configuration()
      configuration.host = host
      configuration.port = port
      configuration.apiKeys = keys
      configuration.jobQueueLimit = jobQueueLimit
      configuration.timeoutSeconds = timeout
      let banner = keys.isEmpty ? "" : " (API key required)"
      let model = service.llm.modelID
      try await APIServer.run(
        service: service, jobs: app.workspace.jobs, traces: service.traces ?? app.workspace.traces,
        configuration: configuration, logger: app.logger, services: exporter.map { [$0.service] } ?? []
      ) { url in
        FileHandle.standardOutput.write(Data("serving the RAG API (LLM \(model)) at \(url)\(banner)\n".utf8))
      }
    }
  }

  struct LLM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "llm",
      abstract: "Serve a GGUF model over an OpenAI-compatible API.",
      discussion: """
        Routes: POST /v1/chat/completions (stream, stop, temperature, top_p, max_tokens, seed, \
        presence/frequency penalties, response_format json_object and json_schema), POST \
        /v1/completions, POST /v1/embeddings (MiniLM), GET /v1/models, GET /health and GET \
        /metrics (Prometheus). Requests beyond --queue waiting ones get 429 with Retry-After; \
        a client that disconnects stops its generation. The server binds to 127.0.0.1; to \
        listen elsewhere give API keys (--api-key or TWIN_SERVE_API_KEYS, comma-separated), \
        which clients send as `Authorization: Bearer <key>`. Ctrl-C stops it.
        """)

    @Option(name: .long, help: "A model name from `twin models list`, or a .gguf path (default: llm.model).")
    var model: String?

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port (0 picks a free one).")
    var port = 8000

    @Option(name: .long, help: "An accepted API key (repeatable). Required off loopback.")
    var apiKey: [String] = []

    @Option(name: .long, help: "How many requests may wait for the model before new ones get 429.")
    var queue = 64

    @Option(name: .long, help: "The most generations decoded together (continuous batching).")
    var maxBatch = 16

    @Option(name: .long, help: "The longest a request may take, in seconds, waiting included.")
    var timeout: Double = 300

    @Flag(name: .long, help: "Do not load the MiniLM embedding model (no /v1/embeddings).")
    var noEmbeddings = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
      guard (1...64).contains(maxBatch) else { throw ValidationError("--max-batch must be between 1 and 64") }
      guard (0...10_000).contains(queue) else { throw ValidationError("--queue must be between 0 and 10000") }
      guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
      let keys = try ServeCommand.keys(apiKey, host: host)
      let app = try await AppContext.open(global: global, workspace: .none)
      let requested = model ?? app.settings.llm.model
      let model = try await app.localLanguageModel(requested, maxBatch: maxBatch)
      let embedder = noEmbeddings ? nil : try app.embedder()
      var configuration = LLMServer.Configuration()
      // Clients may name the model as it was asked for (`twin-sft@production`).
      configuration.modelNames = [requested]
      configuration.host = host
      configuration.port = port
      configuration.apiKeys = keys
      configuration.queueCapacity = queue
      configuration.timeoutSeconds = timeout
      let banner = keys.isEmpty ? "" : " (API key required)"
      let name = requested == model.modelID ? requested : "\(model.modelID) (as \(requested))"
      try await LLMServer.run(model: model, embedder: embedder, configuration: configuration, logger: app.logger) { url in
        // One line on standard output that scripts (and tests) wait for; written unbuffered.
        FileHandle.standardOutput.write(Data("serving \(name) at \(url)/v1\(banner)\n".utf8))
      }
    }
  }
}
