import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
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
    public init() {}
  }

  /// Serves until SIGINT or SIGTERM. `onListening` receives the base URL once bound.
  public static func run(
    model: LocalLanguageModel, embedder: (any TextEmbedder)?, configuration c: Configuration, logger: Logger,
    onListening: @escaping @Sendable (String) -> Void
  ) async throws {
    // As many requests run as the batcher decodes together; the rest wait their turn.
    let queue = AdmissionQueue(concurrency: model.batcher.maxBatch, capacity: c.queueCapacity)
    let metrics = ServerMetrics()
    let router = Router()
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: UnmatchedRouteMiddleware(routes: LLMRoutes.table))
    if !c.apiKeys.isEmpty { router.add(middleware: APIKeyMiddleware(keys: c.apiKeys)) }
    metrics.serve(on: router)
    router.get("/health") { _, _ in
      let depth = await queue.depth
      return try HTTPJSON.response(
        Health(status: "ok", model: model.modelID, running: depth.running, waiting: depth.waiting))
    }
    LLMRoutes(model: model, embedder: embedder, queue: queue, metrics: metrics, timeoutSeconds: c.timeoutSeconds)
      .register(on: router)

    let host = c.host
    let app = Application(
      router: router, configuration: .init(address: .hostname(host, port: c.port), serverName: "twin"),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? c.port
        onListening("http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
      }, logger: logger)
    let group = ServiceGroup(
      configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
  }

  struct Health: Encodable {
    var status: String
    var model: String
    var running: Int
    var waiting: Int
  }
}
