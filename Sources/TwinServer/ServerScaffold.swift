import Hummingbird
import Logging
import ServiceLifecycle
import TwinCore
import UnixSignals

/// What every Twin server is built on, so the servers cannot drift apart: one router with the
/// cross-cutting middleware (metrics for every route, streams included; 404 and 405 answers;
/// API keys), `GET /metrics`, and one way to run (bound, announced once listening, stopped by
/// SIGTERM or SIGINT within a bounded time).
struct ServerScaffold {
  let metrics = ServerMetrics()
  let router = Router()

  /// A router answering `routes` (path → methods, for 404/405), behind `apiKeys` when given.
  init(routes: [String: [String]], apiKeys: [String]) {
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: UnmatchedRouteMiddleware(routes: routes))
    if !apiKeys.isEmpty { router.add(middleware: APIKeyMiddleware(keys: apiKeys)) }
    metrics.serve(on: router)
  }

  /// Serves on `host:port` until SIGTERM or SIGINT, with `first` started before the HTTP server
  /// (and stopped after it: an exporter that must see every request) and `last` after it (and
  /// stopped first: a worker that must stop taking jobs). Stopping waits `grace` for requests
  /// and the services' work to end, then cancels them. `onListening` receives the base URL.
  func run(
    host: String, port: Int, first: [any Service] = [], last: [any Service] = [], grace: Duration, logger: Logger,
    onListening: @escaping @Sendable (String) -> Void
  ) async throws {
    let app = Application(
      router: router, configuration: .init(address: .hostname(host, port: port), serverName: "twin"),
      onServerRunning: { channel in
        let bound = channel.localAddress?.port ?? port
        onListening("http://\(host.contains(":") ? "[\(host)]" : host):\(bound)")
      }, logger: logger)
    var group = ServiceGroupConfiguration(
      services: first.map { .init(service: $0) } + [.init(service: app)] + last.map { .init(service: $0) },
      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    group.maximumGracefulShutdownDuration = grace
    group.maximumCancellationDuration = .seconds(5)
    try await ServiceGroup(configuration: group).run()
  }
}

/// A request that outlasted its server's time limit.
struct TimedOut: Error {}

/// Runs `work`, cancelling it after `seconds` with ``TimedOut``.
func withTimeout<T: Sendable>(_ seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
  try await Deadline.run(.seconds(seconds), timeout: { TimedOut() }, work)
}
