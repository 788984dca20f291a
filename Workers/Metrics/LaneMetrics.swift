import CoreMetrics
import Foundation
package import Jobs
package import Metrics
import Synchronization

/// One lane's metric handles, made once when the lane is built (per model on a model's first billed answer), so the
/// per-job cost is a few atomic adds and one short lock for the model's counters. Emitted through swift-metrics:
/// wherever the process bootstrapped a backend (`sluice serve`: Prometheus), no-ops otherwise.
///
/// ```swift
/// let metrics = LaneMetrics(provider: "openai")
/// metrics.started.increment()
/// metrics.recordBilled(charge, model: "gpt-4o-mini")
/// ```
package final class LaneMetrics: Sendable {
    /// How an attempt ended, as `sluice_jobs_finished_total{outcome}` counts it.
    package enum Outcome: String, Sendable, CaseIterable {
        case succeeded, failed, cancelled, retried
        /// Given back to the queue without an outcome (shutdown, claimed while stopping).
        case handedBack = "handed_back"
    }

    package let provider: String
    let factory: any MetricsFactory

    private let started: Counter
    private let finished: [Outcome: Counter]
    private let queueWait: Metrics.Timer
    private let upstreamLatency: Metrics.Timer
    private let responses: [String: Counter]
    private let rateLimited: Counter
    private let cacheHits: Counter
    private let cacheMisses: Counter
    private let rateLimitPauses: Counter
    private let inFlight: Gauge
    private let breakerState: Gauge
    private let breakerOpens: Counter
    private let perModel = Mutex<[String: ModelCounters]>([:])
    private let retryReasons = Mutex<[String: Counter]>([:])

    /// The counters of one model, made on its first billed answer.
    private struct ModelCounters: Sendable {
        var promptTokens: Counter
        var completionTokens: Counter
        var cachedTokens: Counter
        var cost: FloatingPointCounter
        var saved: FloatingPointCounter
    }

    /// - Parameters:
    ///   - provider: the lane's name, the `provider` label of every series.
    ///   - factory: the metrics backend (default: the one the process bootstrapped).
    package init(provider: String, factory: any MetricsFactory = MetricsSystem.factory) {
        self.provider = provider
        self.factory = factory
        let lane = [("provider", provider)]
        started = Counter(label: MetricName.jobsStarted, dimensions: lane, factory: factory)
        var finished: [Outcome: Counter] = [:]
        for outcome in Outcome.allCases {
            finished[outcome] = Counter(
                label: MetricName.jobsFinished,
                dimensions: lane + [("outcome", outcome.rawValue)],
                factory: factory
            )
        }
        self.finished = finished
        queueWait = Metrics.Timer(label: MetricName.queueWait, dimensions: lane, factory: factory)
        upstreamLatency = Metrics.Timer(label: MetricName.upstreamLatency, dimensions: lane, factory: factory)
        var responses: [String: Counter] = [:]
        for status in ["2xx", "3xx", "4xx", "429", "5xx", "1xx", "error"] {
            responses[status] = Counter(
                label: MetricName.upstreamResponses,
                dimensions: lane + [("status", status)],
                factory: factory
            )
        }
        self.responses = responses
        rateLimited = Counter(label: MetricName.rateLimited, dimensions: lane, factory: factory)
        cacheHits = Counter(label: MetricName.cacheHits, dimensions: lane, factory: factory)
        cacheMisses = Counter(label: MetricName.cacheMisses, dimensions: lane, factory: factory)
        rateLimitPauses = Counter(label: MetricName.rateLimitPauses, dimensions: lane, factory: factory)
        inFlight = Gauge(label: MetricName.laneInFlight, dimensions: lane, factory: factory)
        breakerState = Gauge(label: MetricName.circuitBreakerState, dimensions: lane, factory: factory)
        breakerOpens = Counter(label: MetricName.circuitBreakerOpens, dimensions: lane, factory: factory)
        breakerState.record(0)
        inFlight.record(0)
    }

    /// Counts a claimed attempt that starts running, and records its queue wait on a job's first start.
    /// - Parameter firstStart: whether this claim is the job's first start (not a retry or a given-back 429).
    func started(_ job: ClaimedJob, firstStart: Bool) {
        started.increment()
        if firstStart { recordQueueWait(of: job) }
    }

    /// Records how long an upstream call took.
    func recordLatency(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        upstreamLatency.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Sets the lane's running calls.
    func setInFlight(_ count: Int) {
        inFlight.record(count)
    }

    /// Sets the circuit breaker's gauge (see `CircuitBreaker.State.gaugeValue`).
    func setBreakerState(_ state: CircuitBreaker.State) {
        breakerState.record(state.gaugeValue)
    }

    /// Counts the circuit breaker opening.
    func breakerOpened() {
        breakerOpens.increment()
    }

    /// Counts a lane pause started by a 429.
    func rateLimitPaused() {
        rateLimitPauses.increment()
    }

    /// Counts an attempt that ended as `outcome`.
    func finished(_ outcome: Outcome) {
        finished[outcome]?.increment()
    }

    /// Counts an attempt given back to run again, by its failure code.
    func retried(reason: String) {
        finished(.retried)
        let counter = retryReasons.withLock { counters in
            if let counter = counters[reason] { return counter }
            let counter = Counter(
                label: MetricName.retries,
                dimensions: [("provider", provider), ("reason", reason)],
                factory: factory
            )
            counters[reason] = counter
            return counter
        }
        counter.increment()
    }

    /// Counts an upstream answer by status class, and a 429 in `sluice_upstream_rate_limited_total`.
    func answered(status: Int) {
        let key: String
        switch status {
        case 429:
            key = "429"
            rateLimited.increment()
        case 100..<200: key = "1xx"
        case 200..<300: key = "2xx"
        case 300..<400: key = "3xx"
        case 400..<500: key = "4xx"
        default: key = "5xx"
        }
        responses[key]?.increment()
    }

    /// Counts a call that produced no answer (timeout, connection error).
    func transportFailed() {
        responses["error"]?.increment()
    }

    /// Records the queue wait of a job's first start.
    func recordQueueWait(of job: ClaimedJob) {
        guard job.attempt == 1, let created = job.createdAt, let started = job.firstStartedAt else { return }
        queueWait.recordNanoseconds(Int64(max(0, started.timeIntervalSince(created)) * 1_000_000_000))
    }

    /// Adds what the ledger recorded for an upstream answer: tokens and dollars of `model`.
    func recordBilled(_ charge: LedgerCharge, model: String) {
        let counters = modelCounters(model)
        counters.promptTokens.increment(by: Int64(charge.usage.promptTokens))
        counters.completionTokens.increment(by: Int64(charge.usage.completionTokens))
        counters.cachedTokens.increment(by: Int64(charge.usage.cachedTokens))
        if let cost = charge.cost, cost > 0 { counters.cost.increment(by: Double(cost) / 1_000_000) }
    }

    /// Counts a cache hit and what it saved.
    func recordCacheHit(_ charge: LedgerCharge?, model: String) {
        cacheHits.increment()
        if let saved = charge?.saved, saved > 0 { modelCounters(model).saved.increment(by: Double(saved) / 1_000_000) }
    }

    private func modelCounters(_ model: String) -> ModelCounters {
        perModel.withLock { counters in
            if let existing = counters[model] { return existing }
            let labels = [("provider", provider), ("model", model)]
            let made = ModelCounters(
                promptTokens: Counter(
                    label: MetricName.tokens,
                    dimensions: labels + [("kind", "prompt")],
                    factory: factory
                ),
                completionTokens: Counter(
                    label: MetricName.tokens,
                    dimensions: labels + [("kind", "completion")],
                    factory: factory
                ),
                cachedTokens: Counter(
                    label: MetricName.tokens,
                    dimensions: labels + [("kind", "cached")],
                    factory: factory
                ),
                cost: FloatingPointCounter(label: MetricName.cost, dimensions: labels, factory: factory),
                saved: FloatingPointCounter(label: MetricName.cacheSavings, dimensions: labels, factory: factory)
            )
            counters[model] = made
            return made
        }
    }
}
