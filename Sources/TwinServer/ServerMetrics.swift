import Foundation
import Hummingbird
import Prometheus
import Synchronization
import TwinCore

/// Every metric a server exports, each declared here once with its help text, on the registry
/// that `GET /metrics` serves. The exposition passes `promtool check metrics`: counters end in
/// `_total`, durations are histograms in seconds, and every family has a `# HELP` line.
final class ServerMetrics: Sendable {
  let registry = PrometheusCollectorRegistry()
  private let process = ProcessSampler()

  init() {}

  // MARK: Every route (MetricsMiddleware)

  /// One answered request: its route pattern (`/rag/jobs/{id}`, or `unmatched`), method and
  /// status, and how long until its response head.
  func request(route: String, method: String, status: Int, duration: Duration) {
    let labels = [("route", route), ("method", method), ("status", String(status))]
    registry.makeCounter(
      descriptor: .init(
        metricName: "twin_http_requests", unitName: "total",
        helpText: "HTTP requests answered, by route pattern, method and status code."),
      labels: labels
    ).increment()
    registry.makeDurationHistogram(
      descriptor: .init(
        metricName: "twin_http_request_duration", unitName: "seconds",
        helpText: "Time from a request's arrival to its response head, by route pattern."),
      labels: [("route", route)], buckets: Self.buckets
    ).record(duration)
  }

  // MARK: twin serve llm

  /// A generation request ended: `ok`, `error`, `timeout` or `aborted` (a stream whose client
  /// left, or whose generation failed).
  func llmRequest(_ outcome: String, duration: Duration? = nil) {
    registry.makeCounter(descriptor: Self.llmRequests, labels: [("status", outcome)]).increment()
    if let duration {
      registry.makeDurationHistogram(descriptor: Self.llmDuration, buckets: Self.buckets).record(duration)
    }
  }

  /// A request turned away because the admission queue was full (429).
  func llmRejected() {
    registry.makeCounter(
      descriptor: .init(
        metricName: "twin_llm_rejected", unitName: "total",
        helpText: "Requests of the LLM server refused with 429 because the queue was full.")
    ).increment()
  }

  /// Strings embedded by `/v1/embeddings`.
  func embeddingInputs(_ count: Int) {
    registry.makeCounter(
      descriptor: .init(
        metricName: "twin_embedding_inputs", unitName: "total", helpText: "Strings embedded through /v1/embeddings.")
    ).increment(by: Int64(count))
  }

  // MARK: twin serve api

  /// The outcomes a `/rag` request can end with.
  static let ragOutcomes = ["ok", "blocked", "error", "timeout", "rejected"]

  /// A `/rag` request ended: `ok`, `blocked` (a guardrail), `error`, `timeout` or `rejected`
  /// (429), streamed or not.
  func ragRequest(_ outcome: String, duration: Duration? = nil) {
    registry.makeCounter(descriptor: Self.ragRequests, labels: [("status", outcome)]).increment()
    if let duration {
      registry.makeDurationHistogram(descriptor: Self.ragDuration, buckets: Self.buckets).record(duration)
    }
  }

  /// Creates the `/rag` outcome series at zero, so they are listed before the first request.
  func declareRAGOutcomes() {
    for outcome in Self.ragOutcomes {
      registry.makeCounter(descriptor: Self.ragRequests, labels: [("status", outcome)]).increment(by: Int64(0))
    }
  }

  /// A `/rag/jobs` job ended (`succeeded`, `failed`) or was refused (`rejected`).
  func ragJob(_ outcome: String) {
    registry.makeCounter(
      descriptor: .init(
        metricName: "twin_rag_jobs", unitName: "total", helpText: "Asynchronous RAG jobs (/rag/jobs), by outcome."),
      labels: [("status", outcome)]
    ).increment()
  }

  // MARK: Families used in more than one place

  private static var llmRequests: MetricNameDescriptor {
    .init(
      metricName: "twin_llm_requests", unitName: "total",
      helpText: "Completion requests of the LLM server that ran, by outcome.")
  }
  private static var llmDuration: MetricNameDescriptor {
    .init(
      metricName: "twin_llm_request_duration", unitName: "seconds",
      helpText: "Time to answer a non-streamed completion request, queueing included.")
  }
  private static var ragRequests: MetricNameDescriptor {
    .init(metricName: "twin_rag_requests", unitName: "total", helpText: "RAG questions asked online (/rag), by outcome.")
  }
  private static var ragDuration: MetricNameDescriptor {
    .init(
      metricName: "twin_rag_request_duration", unitName: "seconds", helpText: "Time to answer a non-streamed /rag question.")
  }

  // MARK: Serving

  /// Serves the registry, process metrics included, at `GET /metrics`.
  func serve(on router: Router<BasicRequestContext>) {
    router.get("/metrics") { _, _ in
      self.process.sample(into: self.registry)
      var bytes: [UInt8] = []
      self.registry.emit(into: &bytes)
      return Response(
        status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
  }

  /// Latency buckets from 5 ms to 5 min: model calls are slow, routes like /health are not.
  static let buckets: [Duration] = [
    .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500),
    .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
  ]
}

/// Counts every request by route, method and status, whatever the route does: streaming
/// routes, refusals by other middleware and unknown paths included.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
  let metrics: ServerMetrics

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    let started = ContinuousClock.now
    do {
      let response = try await next(request, context)
      metrics.request(
        route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code,
        duration: .now - started)
      return response
    } catch {
      let status = (error as? any HTTPResponseError)?.status.code ?? 500
      metrics.request(
        route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status,
        duration: .now - started)
      throw error
    }
  }
}

/// The standard `process_*` metrics Prometheus client libraries export, read from `/proc`.
final class ProcessSampler: Sendable {
  /// CPU seconds already added to the counter (it only goes up by the difference).
  private let reportedCPU = Mutex(0.0)

  func sample(into registry: PrometheusCollectorRegistry) {
    guard let stat = ProcessStat.read() else { return }
    let cpu = stat.cpuSeconds
    let delta = reportedCPU.withLock { reported in
      let delta = max(0, cpu - reported)
      reported += delta
      return delta
    }
    registry.makeCounter(
      descriptor: .init(metricName: "process_cpu", unitName: "seconds_total", helpText: "User and system CPU time spent in seconds.")
    ).increment(by: delta)
    registry.makeGauge(
      descriptor: .init(metricName: "process_resident_memory", unitName: "bytes", helpText: "Resident memory size in bytes.")
    ).set(stat.residentBytes)
    registry.makeGauge(
      descriptor: .init(metricName: "process_virtual_memory", unitName: "bytes", helpText: "Virtual memory size in bytes.")
    ).set(stat.virtualBytes)
    if let boot = Self.bootTime() {
      registry.makeGauge(
        descriptor: .init(
          metricName: "process_start_time", unitName: "seconds",
          helpText: "Start time of the process since unix epoch in seconds.")
      ).set(boot + Double(stat.startTicks) / ProcessStat.ticksPerSecond)
    }
    if let open = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
      registry.makeGauge(
        descriptor: .init(metricName: "process_open", unitName: "fds", helpText: "Number of open file descriptors.")
      ).set(Double(open.count))
    }
  }

  /// When the machine booted, in seconds since the epoch (`btime` in `/proc/stat`).
  private static func bootTime() -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
      return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
    }
    return nil
  }
}
