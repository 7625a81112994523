import ArgumentParser
import Foundation
import TwinCore
import TwinLLM
import TwinServer

/// `twin serve`: Twin's HTTP services.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run Twin's HTTP services.",
    subcommands: [LLM.self])

  struct LLM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "llm",
      abstract: "Serve a GGUF model over an OpenAI-compatible API.",
      discussion: """
        Routes: POST /v1/chat/completions (stream, stop, temperature, top_p, max_tokens, seed,
        presence/frequency penalties, response_format json_object and json_schema), POST
        /v1/completions, POST /v1/embeddings (MiniLM), GET /v1/models, GET /health and GET
        /metrics (Prometheus). Requests beyond --queue waiting ones get 429 with Retry-After;
        a client that disconnects stops its generation. The server binds to 127.0.0.1; to
        listen elsewhere give API keys (--api-key or TWIN_SERVE_API_KEYS, comma-separated),
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

    @Option(name: .long, help: "The longest a request may take, in seconds, waiting included.")
    var timeout: Double = 300

    @Flag(name: .long, help: "Do not load the MiniLM embedding model (no /v1/embeddings).")
    var noEmbeddings = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      var keys = apiKey
      if let env = ProcessInfo.processInfo.environment["TWIN_SERVE_API_KEYS"] {
        keys += env.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      }
      let loopback = ["127.0.0.1", "::1", "localhost"].contains(host)
      guard loopback || !keys.isEmpty else {
        throw ValidationError("--host \(host) is not loopback: give --api-key (or TWIN_SERVE_API_KEYS) to expose the server")
      }
      var local = app.settings
      local.llm.backend = "local"
      guard let model = try await RAGWiring.languageModel(local, model: model, quiet: false) as? LocalLanguageModel else {
        throw TwinError.configuration("twin serve llm needs a local GGUF model")
      }
      let embedder = noEmbeddings ? nil : try FeatureWiring.embedder(app.settings)
      var configuration = LLMServer.Configuration()
      configuration.host = host
      configuration.port = port
      configuration.apiKeys = keys
      configuration.queueCapacity = queue
      configuration.timeoutSeconds = timeout
      let banner = keys.isEmpty ? "" : " (API key required)"
      let name = model.modelID
      try await LLMServer.run(model: model, embedder: embedder, configuration: configuration, logger: app.logger) { url in
        // One line on standard output that scripts (and tests) wait for; written unbuffered.
        FileHandle.standardOutput.write(Data("serving \(name) at \(url)/v1\(banner)\n".utf8))
      }
    }
  }
}
