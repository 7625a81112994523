import Foundation
import Hummingbird
import Logging
import TwinCore
import TwinLLM

/// `twin serve llm`: the LLM microservice, an OpenAI-compatible HTTP API over the in-process
/// engine. It binds to loopback unless told otherwise, and then requires API keys.
public enum LLMServer {
  public struct Configuration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8000
    /// Accepted bearer keys; empty means no authentication (loopback only).
    public var apiKeys: [String] = []
    /// Requests that may wait beyond those being decoded together; more get 429.
    public var queueCapacity = 64
    public var timeoutSeconds: Double = 300
    /// Further names requests may give the model by: the `name@alias` it was started with,
    /// which resolved to the version it serves.
    public var modelNames: [String] = []
    /// How long a stopping server lets generations finish before cancelling them.
    public var shutdownGrace: Duration = .seconds(10)
    public init() {}
  }

  /// Serves until SIGINT or SIGTERM. `onListening` receives the base URL once bound.
  public static func run(
    model: LocalLanguageModel, embedder: (any TextEmbedder)?, configuration c: Configuration, logger: Logger,
    onListening: @escaping @Sendable (String) -> Void
  ) async throws {
    // As many requests run as the batcher decodes together; the rest wait their turn.
    let queue = PermitQueue(permits: model.batcher.maxBatch, capacity: c.queueCapacity)
    let scaffold = ServerScaffold(routes: LLMRoutes.table, apiKeys: c.apiKeys)
    scaffold.router.get("/health") { _, _ in
      let depth = await queue.depth
      return try HTTPJSON.response(
        Health(status: "ok", model: model.modelID, running: depth.held, waiting: depth.waiting))
    }
    LLMRoutes(
      model: model, names: Set([model.modelID] + c.modelNames), embedder: embedder, queue: queue, metrics: scaffold.metrics,
      timeoutSeconds: c.timeoutSeconds
    ).register(on: scaffold.router)
    try await scaffold.run(
      host: c.host, port: c.port, grace: c.shutdownGrace, logger: logger, onListening: onListening)
  }

  struct Health: Encodable {
    var status: String
    var model: String
    var running: Int
    var waiting: Int
  }
}
