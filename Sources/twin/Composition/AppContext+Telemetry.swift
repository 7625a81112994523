import Foundation
import ServiceLifecycle
import TwinConfig
import TwinCore
import TwinTelemetry
import TwinSQLite

extension AppContext {
  /// The trace store commands record into: the workspace's, exporting over OTLP as well when
  /// `telemetry.otlp_endpoint` is set.
  func traceStore() throws -> (store: any TraceStore, exporter: OTLPTraceExporter?) {
    guard !settings.otlpEndpoint.isEmpty else { return (workspace.traces, nil) }
    let exporter = try OTLPTraceExporter(endpoint: settings.otlpEndpoint)
    return (ExportingTraceStore(base: workspace.traces, exporter: exporter), exporter)
  }

  /// Runs `work` with the exporter's background service running, then shuts it down, which
  /// sends the spans still batched.
  func withExporter<T: Sendable>(_ exporter: OTLPTraceExporter?, _ work: () async throws -> T) async throws -> T {
    guard let exporter else { return try await work() }
    let group = ServiceGroup(
      configuration: .init(services: [exporter.service], gracefulShutdownSignals: [], logger: logger))
    let running = Task { try await group.run() }
    do {
      let result = try await work()
      await group.triggerGracefulShutdown()
      _ = await running.result
      return result
    } catch {
      await group.triggerGracefulShutdown()
      _ = await running.result
      throw error
    }
  }
}
