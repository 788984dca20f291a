/// The names of every series Sluice exports (Prometheus text at `GET /metrics`), in one place for the exporter's
/// bucket settings, the README and the tests. Units are in the names; labels are low-cardinality (provider, model,
/// outcome, state, kind).
package enum MetricName {
    /// Gauge: jobs per `provider` and `state` (queued, running), sampled from the store.
    package static let queueDepth = "sluice_queue_depth"
    /// Counter: attempts started per `provider` (every claim that runs).
    package static let jobsStarted = "sluice_jobs_started_total"
    /// Counter: attempts ended per `provider` and `outcome` (succeeded, failed, cancelled, retried, deferred).
    package static let jobsFinished = "sluice_jobs_finished_total"
    /// Histogram: seconds from submission to the first start, per `provider`.
    package static let queueWait = "sluice_queue_wait_seconds"
    /// Histogram: seconds of each upstream call that got an answer or failed, per `provider`.
    package static let upstreamLatency = "sluice_upstream_latency_seconds"
    /// Counter: upstream answers per `provider` and `status` class (2xx, 4xx, 429, 5xx, error).
    package static let upstreamResponses = "sluice_upstream_responses_total"
    /// Counter: billed tokens per `provider`, `model` and `kind` (prompt, completion, cached).
    package static let tokens = "sluice_tokens_total"
    /// Counter: billed US dollars per `provider` and `model`, as the ledger records them.
    package static let cost = "sluice_cost_dollars_total"
    /// Counter: jobs answered from the response cache, per `provider`.
    package static let cacheHits = "sluice_cache_hits_total"
    /// Counter: cache lookups that found nothing (the call went upstream), per `provider`.
    package static let cacheMisses = "sluice_cache_misses_total"
    /// Counter: US dollars the cache hits saved, per `provider` and `model`.
    package static let cacheSavings = "sluice_cache_savings_dollars_total"
    /// Counter: 429 answers from the provider, per `provider`.
    package static let rateLimited = "sluice_upstream_rate_limited_total"
    /// Counter: attempts given back to the queue to run again, per `provider` and `reason` (the failure code).
    package static let retries = "sluice_retries_total"
    /// Counter: lane pauses started by a 429, per `provider`.
    package static let rateLimitPauses = "sluice_rate_limit_pauses_total"
    /// Gauge: calls the lane runs now, per `provider`.
    package static let laneInFlight = "sluice_lane_in_flight"
    /// Gauge: the lane's limits per `provider` and `kind` (concurrency, window, rpm, tpm).
    package static let laneLimit = "sluice_lane_limit"
    /// Gauge: 1 while the lane is paused after a 429, per `provider`.
    package static let lanePaused = "sluice_lane_paused"
    /// Gauge: the circuit breaker per `provider`: 0 closed, 1 half-open, 2 open.
    package static let circuitBreakerState = "sluice_circuit_breaker_state"
    /// Counter: times the circuit breaker opened, per `provider`.
    package static let circuitBreakerOpens = "sluice_circuit_breaker_opens_total"
    /// Counter: webhook delivery attempts per `outcome` (emitted by the webhook deliverer).
    package static let webhookDeliveries = "sluice_webhook_deliveries_total"
}
