package import Jobs
package import Logging
import Metrics
import ServiceLifecycle
import Synchronization

package import struct Foundation.Date

/// Sends the webhook outbox: claims due deliveries from the store, signs each per Standard Webhooks, POSTs it through
/// the shared `HTTPTransport`, and records the attempt with its outcome (delivered, retry at, failed, or endpoint
/// disabled on 410).
///
/// - Each attempt checks the URL again with `OutboundURLPolicy` and pins the connection to the checked addresses
///   (CURLOPT_RESOLVE), so a name that now resolves to a refused address (DNS rebinding) is never contacted.
/// - Headers: `content-type: application/json`, `webhook-id` (the event id, stable across retries),
///   `webhook-timestamp` (Unix seconds of this attempt), `webhook-signature` (one `v1,` entry per valid secret),
///   `user-agent`. Redirects are not followed; a 3xx is a failed attempt.
/// - At most `maxConcurrentDeliveries` in flight. Between rounds it sleeps until the store's next due time, a
///   wake-up from the store (new deliveries), or a finished delivery: no polling loop.
/// - Graceful shutdown: stops claiming and lets the deliveries in flight finish (each is bounded by the request
///   timeout), so no claim is left behind. On cancellation a delivery in flight is not recorded; its lease runs
///   out and the store hands it out again.
/// - Counts `sluice_webhook_deliveries_total{outcome="delivered|retry|failed|disabled"}` (swift-metrics).
///
/// ```swift
/// let deliverer = WebhookDeliverer(
///     source: store, transport: transport, policy: OutboundURLPolicy(allowing: [.loopback]), logger: logger
/// )
/// // part of the ServiceGroup, after the transport
/// ```
package final class WebhookDeliverer: Service {
    /// The metric counting attempts by outcome.
    package static let metricLabel = MetricName.webhookDeliveries

    package let configuration: Configuration
    let source: any WebhookDeliverySource
    let transport: any HTTPTransport
    let policy: OutboundURLPolicy
    let logger: Logger
    let now: @Sendable () -> Date
    private let wakeup = AsyncEvent(.autoReset)
    private let state = Mutex(State())

    private struct State {
        var inFlight = 0
        var stopping = false
    }

    /// - Parameters:
    ///   - source: the store (or a test double).
    ///   - transport: the HTTP client (the app's `CurlTransport`).
    ///   - policy: the outbound URL policy with the operator's allowed classes.
    ///   - configuration: concurrency, timeout, retry schedule.
    ///   - logger: never given secrets, payloads or URLs.
    ///   - now: the clock (tests may pass a fixed one).
    package init(
        source: any WebhookDeliverySource,
        transport: any HTTPTransport,
        policy: OutboundURLPolicy,
        configuration: Configuration = Configuration(),
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.source = source
        self.transport = transport
        self.policy = policy
        self.configuration = configuration
        self.logger = logger
        self.now = now
    }

    /// Deliveries in flight right now.
    package var inFlight: Int { state.withLock { $0.inFlight } }

    package func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { listeners in
                let (source, wakeup) = (self.source, self.wakeup)
                listeners.addTask {
                    for await _ in source.webhookDeliveriesDue() { wakeup.set() }
                }
                await withDiscardingTaskGroup { deliveries in
                    while let claimed = await self.nextRound() {
                        for delivery in claimed {
                            deliveries.addTask {
                                await self.attemptAndRecord(delivery)
                                self.state.withLock { $0.inFlight -= 1 }
                                self.wakeup.set()
                            }
                        }
                    }
                }
                listeners.cancelAll()
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.stopping = true }
            self.wakeup.set()
        }
    }

    /// Waits until deliveries can be claimed and claims them (already counted in flight); nil once stopping.
    private func nextRound() async -> [WebhookDelivery]? {
        while true {
            let (stopping, free) = state.withLock { ($0.stopping, configuration.maxConcurrentDeliveries - $0.inFlight) }
            if stopping || Task.isCancelled { return nil }
            guard free > 0 else {
                await wakeup.wait()  // a delivery finished (or new work arrived: the loop checks again)
                continue
            }
            do {
                let claimed = try await source.claimWebhookDeliveries(
                    limit: free,
                    leaseDuration: configuration.leaseDuration,
                    now: now()
                )
                if !claimed.isEmpty {
                    state.withLock { $0.inFlight += claimed.count }
                    return claimed
                }
                let due = try await source.nextWebhookDeliveryDue()
                let wait = due.map { Self.duration(from: now(), to: $0) } ?? configuration.maxIdleWait
                // A due time already passed means a delivery appeared between the claim and this read: claim
                // again, after a short pause so a store that keeps answering so cannot make this spin.
                await wakeup.wait(timeout: min(max(wait, .milliseconds(10)), configuration.maxIdleWait))
            } catch {
                logger.error("webhook deliverer cannot read the store", metadata: ["error": "\(error)"])
                await wakeup.wait(timeout: .seconds(1))
            }
        }
    }

    /// Makes one attempt and records it; not recorded when the task was cancelled (hard shutdown).
    private func attemptAndRecord(_ delivery: WebhookDelivery) async {
        let result = await attempt(delivery)
        if Task.isCancelled { return }
        Counter(label: Self.metricLabel, dimensions: [("outcome", Self.metricOutcome(result.outcome))]).increment()
        let level: Logger.Level
        switch result.outcome {
        case .delivered, .retry: level = .debug
        case .failed, .disableEndpoint: level = .warning
        }
        logger.log(
            level: level,
            "webhook attempt",
            metadata: [
                "delivery_id": "\(delivery.id)", "webhook_id": "\(delivery.messageID)",
                "endpoint_id": "\(delivery.endpointID.map(String.init) ?? "one-off")",
                "attempt": "\(delivery.attempt + 1)", "status": "\(result.statusCode.map(String.init) ?? "none")",
                "outcome": "\(Self.metricOutcome(result.outcome))", "error": "\(result.error ?? "")",
            ]
        )
        let (source, now) = (self.source, self.now)
        do {
            try await shieldedWithRetries("recording a webhook attempt", logger: logger) {
                try await source.recordWebhookAttempt(delivery.id, result: result, now: now())
            }
        } catch {
            logger.error(
                "recording a webhook attempt failed; the delivery is retried when its lease ends",
                metadata: ["delivery_id": "\(delivery.id)", "error": "\(error)"]
            )
        }
    }

    static func metricOutcome(_ outcome: WebhookAttemptOutcome) -> String {
        switch outcome {
        case .delivered: "delivered"
        case .retry: "retry"
        case .failed: "failed"
        case .disableEndpoint: "disabled"
        }
    }

    static func duration(from start: Date, to end: Date) -> Duration {
        let seconds = end.timeIntervalSince(start)
        guard seconds > 0 else { return .zero }
        return .milliseconds(Int64(min(seconds, 86_400) * 1000))
    }
}
