import CoreMetrics
import Foundation
package import Jobs
package import Logging
import Metrics
package import ServiceLifecycle
import Synchronization

/// Samples what no single event reports, every `interval` (default 5 s): the queue depth per provider and state
/// (`sluice_queue_depth`, from `JobStore.queueDepths()`: counted on the partial indexes, never a scan of final
/// rows), and each lane's in-flight calls, limits and 429 pause (`sluice_lane_in_flight`, `sluice_lane_limit`,
/// `sluice_lane_paused`).
///
/// ```swift
/// let sampler = MetricsSampler(store: store, lanes: Array(pool.lanes.values), logger: logger)
/// let group = ServiceGroup(services: [transport, maintenance, pool, sampler, api], …)
/// ```
package final class MetricsSampler: Service {
    /// Default time between samples: 5 s.
    package static let defaultInterval: Duration = .seconds(5)

    private let store: JobStore
    private let lanes: [Lane]
    private let interval: Duration
    private let logger: Logger
    private let gauges = Mutex<[String: Gauge]>([:])

    /// - Parameters:
    ///   - store: the queue whose depth is sampled.
    ///   - lanes: the worker pool's lanes (their names are sampled even while they have no jobs).
    ///   - interval: time between samples.
    ///   - logger: logs failed samples.
    package init(store: JobStore, lanes: [Lane], interval: Duration = defaultInterval, logger: Logger) {
        precondition(interval > .zero, "interval must be positive")
        self.store = store
        self.lanes = lanes.sorted { $0.provider < $1.provider }
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.sampleOnce()
                try? await Task.sleep(for: self.interval)  // cancelled on shutdown: the loop ends
            }
        }
    }

    /// Takes one sample; returns how many providers' depths it recorded (0 when the store read failed).
    @discardableResult
    package func sampleOnce() async -> Int {
        sampleLanes()
        let depths: [QueueDepth]
        do {
            depths = try await store.queueDepths()
        } catch {
            if !Task.isCancelled { logger.warning("sampling the queue depth failed", metadata: ["error": "\(error)"]) }
            return 0
        }
        var byProvider = Dictionary(
            uniqueKeysWithValues: lanes.map { ($0.provider, QueueDepth(provider: $0.provider)) }
        )
        for depth in depths { byProvider[depth.provider] = depth }
        for depth in byProvider.values {
            gauge(MetricName.queueDepth, [("provider", depth.provider), ("state", "queued")]).record(depth.queued)
            gauge(MetricName.queueDepth, [("provider", depth.provider), ("state", "running")]).record(depth.running)
        }
        return byProvider.count
    }

    private func sampleLanes() {
        let now = ContinuousClock.now
        for lane in lanes {
            let limits = lane.rateLimiter.limits
            let provider = lane.provider
            lane.metrics.setInFlight(lane.runningCount)
            gauge(MetricName.laneLimit, [("provider", provider), ("kind", "concurrency")]).record(lane.capacity)
            gauge(MetricName.laneLimit, [("provider", provider), ("kind", "window")]).record(limits.window)
            if let rpm = limits.settings.rpm {
                gauge(MetricName.laneLimit, [("provider", provider), ("kind", "rpm")]).record(rpm)
            }
            if let tpm = limits.settings.tpm {
                gauge(MetricName.laneLimit, [("provider", provider), ("kind", "tpm")]).record(tpm)
            }
            let paused = limits.pausedUntil.map { $0 > now } ?? false
            gauge(MetricName.lanePaused, [("provider", provider)]).record(paused ? 1 : 0)
        }
    }

    /// The gauge of `name` with `labels`, made on first use.
    private func gauge(_ name: String, _ labels: [(String, String)]) -> Gauge {
        let key = name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        return gauges.withLock { gauges in
            if let gauge = gauges[key] { return gauge }
            let gauge = Gauge(label: name, dimensions: labels)
            gauges[key] = gauge
            return gauge
        }
    }
}
