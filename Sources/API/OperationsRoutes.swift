import HTTPTypes
import Hummingbird
import NIOCore

/// The operator's routes, outside `/v1` and without a key: `GET /readyz` and `GET /metrics`.
///
/// - `/readyz`: 200 `{"status":"ready"}` while `Readiness.isReady`, else 503 in OpenAI's error shape
///   (`server_error`, code `not_ready`). `/healthz` stays 200 as long as the process serves (liveness).
/// - `/metrics`: the Prometheus text exposition (format 0.0.4) of every `sluice_*` series, rendered by `exporter`.
///   It holds aggregate operational numbers only (provider, model and outcome labels; no tenant, prompt or key),
///   so it is served without a key, as Prometheus scrapes expect. Empty when the process has no metrics backend.
///
/// ```swift
/// OperationsRoutes(readiness: readiness, exporter: { registry.emitToBuffer() }).register(on: router)
/// ```
struct OperationsRoutes {
    /// The Prometheus text format's content type.
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    let readiness: Readiness
    let exporter: MetricsExporter

    func register(on router: Router<APIRequestContext>) {
        let readiness = self.readiness
        router.get("readyz") { _, _ in
            if let reason = readiness.notReadyReason {
                throw APIError(.serviceUnavailable, .server, message: reason, code: "not_ready")
            }
            var writer = JSONWriter()
            writer.object { o in o.field("status", "ready") }
            return Response.json(writer)
        }
        let exporter = self.exporter
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: Self.metricsContentType],
                body: .init(byteBuffer: ByteBuffer(bytes: exporter()))
            )
        }
    }
}

/// Renders every metric in the Prometheus text format (the app passes its registry's `emitToBuffer`).
package typealias MetricsExporter = @Sendable () -> [UInt8]
