import Foundation
import Hummingbird
import Metrics
import Prometheus

/// What both servers share: Prometheus metrics and server-sent-event framing.
enum Operations {
  /// Bootstraps swift-metrics onto a Prometheus registry and serves it at `GET /metrics`.
  static func serveMetrics(on router: Router<BasicRequestContext>) {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    router.get("/metrics") { _, _ in
      var bytes: [UInt8] = []
      registry.emit(into: &bytes)
      return Response(
        status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
  }

  /// One server-sent event: an optional `event:` name, then `data:` with `value` as JSON.
  static func event(_ value: some Encodable, name: String? = nil) -> ByteBuffer {
    let data = (try? HTTPJSON.encoder.encode(value)) ?? Data("{}".utf8)
    let prefix = name.map { "event: \($0)\n" } ?? ""
    return ByteBuffer(string: prefix + "data: " + String(decoding: data, as: UTF8.self) + "\n\n")
  }
}
