import Foundation
import OTel
import ServiceLifecycle
import Tracing
import TwinCore

/// Sends Twin's traces to an OpenTelemetry collector over OTLP/HTTP (swift-otel's exporter,
/// batched in the background by its span processor).
///
/// A trace is recorded first (``TraceRecorder``) and stored; it is then replayed here as one
/// root span with a child span per step, each with its recorded start, end, status and
/// attributes, so the collector sees the same timeline `twin traces show` prints.
public final class OTLPTraceExporter: Sendable {
  private let tracer: any Tracer
  /// The exporter's background work; run it (in a `ServiceGroup`) for spans to be sent, and
  /// shut it down gracefully to flush the last ones.
  public let service: any Service
  public let endpoint: String

  /// - Parameter endpoint: The collector's traces URL, such as `http://localhost:4318/v1/traces`.
  public init(endpoint: String, serviceName: String = "twin") throws {
    guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
      throw TwinError.configuration("telemetry.otlp_endpoint '\(endpoint)' is not an http(s) URL")
    }
    var configuration = OTel.Configuration.default
    configuration.serviceName = serviceName
    configuration.logs.enabled = false
    configuration.metrics.enabled = false
    configuration.traces.otlpExporter.endpoint = endpoint
    let backend = try OTel.makeTracingBackend(configuration: configuration)
    tracer = backend.factory
    service = backend.service
    self.endpoint = endpoint
  }

  /// Queues `trace` for export.
  public func export(_ trace: Trace) {
    let root = tracer.startSpan(trace.name, context: .topLevel, ofKind: .server, at: Instant(trace.startedAt))
    root.attributes["twin.trace_id"] = trace.id
    root.attributes["twin.status"] = trace.status.rawValue
    if trace.status != .ok { root.setStatus(SpanStatus(code: .error, message: trace.status.rawValue)) }
    for span in trace.spans {
      let child = tracer.startSpan(span.name, context: root.context, ofKind: .internal, at: Instant(span.startedAt))
      for (key, value) in span.attributes {
        switch value {
        case .string(let s): child.attributes["twin.\(key)"] = s
        case .int(let i): child.attributes["twin.\(key)"] = i
        case .double(let d): child.attributes["twin.\(key)"] = d
        case .bool(let b): child.attributes["twin.\(key)"] = b
        default: child.attributes["twin.\(key)"] = value.canonicalJSON
        }
      }
      if span.status != .ok { child.setStatus(SpanStatus(code: .error, message: span.error ?? span.status.rawValue)) }
      child.end(at: Instant(span.startedAt.addingTimeInterval(span.durationMilliseconds / 1000)))
    }
    root.end(at: Instant(trace.startedAt.addingTimeInterval(trace.durationMilliseconds / 1000)))
  }

  /// A recorded time as the tracing API's instant.
  struct Instant: TracerInstant {
    var nanosecondsSinceEpoch: UInt64
    init(_ date: Date) { nanosecondsSinceEpoch = UInt64(max(0, date.timeIntervalSince1970) * 1_000_000_000) }
    static func < (a: Instant, b: Instant) -> Bool { a.nanosecondsSinceEpoch < b.nanosecondsSinceEpoch }
  }
}

/// A trace store that also exports every trace it saves over OTLP.
public struct ExportingTraceStore: TraceStore {
  public let base: any TraceStore
  public let exporter: OTLPTraceExporter

  public init(base: any TraceStore, exporter: OTLPTraceExporter) {
    self.base = base
    self.exporter = exporter
  }

  public func save(_ trace: Trace) async throws {
    try await base.save(trace)
    exporter.export(trace)
  }

  public func trace(id: String) async throws -> Trace? { try await base.trace(id: id) }
  public func recentTraces(limit: Int) async throws -> [Trace] { try await base.recentTraces(limit: limit) }
  public func addFeedback(_ feedback: Feedback) async throws { try await base.addFeedback(feedback) }
  public func feedback(traceID: String) async throws -> [Feedback] { try await base.feedback(traceID: traceID) }
  public func correctedFeedback() async throws -> [Feedback] { try await base.correctedFeedback() }
}
