import CoreMetrics
import Metrics
import Prometheus
import Workers

/// The process's metrics backend: swift-metrics bootstrapped once with swift-prometheus over one registry, which
/// `GET /metrics` renders. Every component emits through the plain swift-metrics API (`Counter(label:…)`), so
/// anything in the process shows up, including series made before this file knew about them.
///
/// Bootstrapping is guarded by a `static let` (run once, thread-safe), so several `SluiceServer`s in one test
/// process share the registry instead of crashing on a second `MetricsSystem.bootstrap`. They then also share the
/// series: counters only grow, and gauges show the last writer.
///
/// ```swift
/// SluiceMetrics.bootstrap()
/// api.metricsExporter = SluiceMetrics.exposition
/// ```
package enum SluiceMetrics {
    /// The registry every series lives in.
    static let registry = PrometheusCollectorRegistry()

    /// Queue-wait buckets, in seconds: 10 ms to a day (batches wait hours).
    static let queueWaitBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(3600), .seconds(14_400),
        .seconds(86_400),
    ]

    /// Upstream-latency buckets, in seconds: 5 ms to the 10-minute call limit.
    static let upstreamLatencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600),
    ]

    private static let bootstrapped: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            MetricName.queueWait: queueWaitBuckets,
            MetricName.upstreamLatency: upstreamLatencyBuckets,
        ]
        MetricsSystem.bootstrap(factory)
        // Series made on their first event are shown at 0 from the start, so dashboards and alerts see them.
        for outcome in webhookDeliveryOutcomes {
            Counter(label: WebhookDeliverer.metricLabel, dimensions: [("outcome", outcome)]).increment(by: 0)
        }
    }()

    /// The `outcome` values of `sluice_webhook_deliveries_total` (`WebhookDeliverer`).
    static let webhookDeliveryOutcomes = ["delivered", "retry", "failed", "disabled"]

    /// Makes the Prometheus registry the process's swift-metrics backend; later calls do nothing. Call before
    /// building the worker pool (metric handles bind to the backend when they are made).
    package static func bootstrap() {
        _ = bootstrapped
    }

    /// Every series in the Prometheus text format.
    @Sendable package static func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
