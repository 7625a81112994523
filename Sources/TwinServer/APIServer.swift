import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TwinCore
import TwinRAG

/// `twin serve api`: the business service. RAG online (`/rag`), asynchronous (`/rag/jobs`,
/// persisted, resumed after a restart) and feedback, over whichever LLM backend the RAG
/// service was built with (in process: a monolith; `twin serve llm` or another
/// OpenAI-compatible server: microservices).
public enum APIServer {
  public struct Configuration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var apiKeys: [String] = []
    /// `/rag` requests running at once (they share one model) plus waiting; more get 429.
    public var concurrency = 4
    public var queueCapacity = 64
    /// The longest a `/rag` request (streamed or not) may take, waiting included.
    public var timeoutSeconds: Double = 300
    /// `/rag/jobs` waiting or running at once; more get 429 (each job is a full RAG call).
    public var jobQueueLimit = 256
    /// How long a stopping server waits for requests and the running job before cancelling
    /// them (a cancelled job is requeued).
    public var shutdownGrace: Duration = .seconds(10)
    public init() {}
  }

  /// Serves until SIGINT or SIGTERM. `onListening` receives the base URL once bound.
  public static func run(
    service: RAGService, jobs: any JobStore, traces: any TraceStore, configuration c: Configuration, logger: Logger,
    services extra: [any Service] = [], onListening: @escaping @Sendable (String) -> Void
  ) async throws {
    let scaffold = ServerScaffold(routes: OpenAPIDocument.routes, apiKeys: c.apiKeys)
    let worker = JobWorker(service: service, jobs: jobs, metrics: scaffold.metrics, logger: logger)
    let model = service.llm.modelID
    scaffold.router.get("/health") { _, _ in try HTTPJSON.response(["status": "ok", "llm": model]) }
    scaffold.metrics.declareRAGOutcomes()
    scaffold.router.get("/openapi.json") { _, _ in try HTTPJSON.response(OpenAPIDocument.document) }
    RAGRoutes(
      service: service, jobs: jobs, traces: traces,
      queue: PermitQueue(permits: c.concurrency, capacity: c.queueCapacity), worker: worker,
      metrics: scaffold.metrics, jobQueueLimit: c.jobQueueLimit, timeoutSeconds: c.timeoutSeconds
    ).register(on: scaffold.router)
    try await scaffold.run(
      host: c.host, port: c.port, first: extra, last: [worker], grace: c.shutdownGrace, logger: logger,
      onListening: onListening)
  }
}
