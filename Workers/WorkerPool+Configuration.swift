package import Jobs

extension WorkerPool {
    /// Tunables of the worker pool. Every value has a documented default suited to LLM calls.
    package struct Configuration: Sendable {
        /// Default lease of a claimed job: 60 s. A lease not renewed by then can be rescued by maintenance.
        package static let defaultLeaseDuration: Duration = .seconds(60)
        /// Default shortest wait between two empty claims: 5 ms (right after work was found).
        package static let defaultIdlePollMinimum: Duration = .milliseconds(5)
        /// Default longest wait between two empty claims: 250 ms (an idle lane doubles its wait up to this).
        package static let defaultIdlePollMaximum: Duration = .milliseconds(250)
        /// Default time in-flight jobs get to finish after SIGTERM/SIGINT before they are handed back: 15 s.
        package static let defaultShutdownTimeout: Duration = .seconds(15)
        /// Default limit on one upstream call, start to end: 10 minutes (long generations take minutes).
        package static let defaultRequestTimeout: Duration = .seconds(600)
        /// Default limit on establishing a connection to the provider: 10 s.
        package static let defaultConnectTimeout: Duration = .seconds(10)
        /// Default output tokens reserved for a call that names no `max_tokens`/`max_completion_tokens`: 1,024.
        package static let defaultDefaultMaxTokens = 1024
        /// Default headroom kept in every rate-limit bucket: 100 ms of refill (see `TokenBucket`).
        package static let defaultRateLimitHeadroom: Duration = LaneRateLimits.Settings.defaultHeadroom
        /// Default calls in flight on a lane whose limits are unknown, until headers or successes say more: 4.
        package static let defaultUnknownLimitsInitialConcurrency = LaneRateLimits.Settings.defaultInitialWindow
        /// Default longest wait for rate capacity inside a lane before the job is handed back instead: 30 s.
        package static let defaultMaxAdmissionWait: Duration = ProviderRateLimiter.defaultMaxWait

        /// How long a claim holds a job before maintenance may rescue it (default 60 s).
        package var leaseDuration: Duration
        /// How often a lane renews the leases of its running jobs in one batched write
        /// (default: a third of `leaseDuration`, 20 s).
        package var heartbeatInterval: Duration
        /// Shortest wait between claims when a lane found less work than it had room for (default 5 ms).
        package var idlePollMinimum: Duration
        /// Longest wait between claims of an idle lane; `WorkerPool.wake(provider:)` cuts it short (default 250 ms).
        package var idlePollMaximum: Duration
        /// On graceful shutdown, how long in-flight jobs may run on before they are cancelled and handed back
        /// without burning an attempt (default 15 s). Keep it below the service group's graceful-shutdown limit.
        package var shutdownTimeout: Duration
        /// Backoff between attempts of a failed job (default `RetryPolicy.default`: full jitter, 1 s base, 5 min cap).
        package var retryPolicy: RetryPolicy
        /// Limit on one upstream call (default 600 s).
        package var requestTimeout: Duration
        /// Limit on connecting to the provider (default 10 s).
        package var connectTimeout: Duration
        /// Output tokens reserved against `tpm` (and quotas) for a call that names no `max_tokens` (default 1,024).
        /// Settled to the real usage after the call.
        package var defaultMaxTokens: Int
        /// Refill time kept unused in every rate-limit bucket so running at the limit absorbs the jitter between
        /// admitting a call and the provider counting it (default 100 ms).
        package var rateLimitHeadroom: Duration
        /// Calls in flight on a lane with no `rpm`/`tpm` configured, until the provider's headers state its limits
        /// or successes widen the window (default 4; see `LaneRateLimits`).
        package var unknownLimitsInitialConcurrency: Int
        /// Longest a claimed job waits for rate capacity inside the lane; a longer wait hands it back to run later
        /// without burning an attempt (default 30 s).
        package var maxAdmissionWait: Duration
        /// Extra admission steps each lane runs before its rate limiter (tenant quotas, the cache), built once per
        /// provider. Default: none.
        package var admission: @Sendable (ProviderConfiguration) -> [any JobAdmission]
        /// Each lane's circuit breaker: stop claiming after consecutive provider faults (default: open after 10, or a
        /// quarter of the lane's `maxConcurrency` when more; probe after 5 s; see `CircuitBreaker`).
        package var circuitBreaker: CircuitBreaker.Configuration

        /// - Parameters: see the properties; `heartbeatInterval` defaults to `leaseDuration / 3`.
        package init(
            leaseDuration: Duration = Configuration.defaultLeaseDuration,
            heartbeatInterval: Duration? = nil,
            idlePollMinimum: Duration = Configuration.defaultIdlePollMinimum,
            idlePollMaximum: Duration = Configuration.defaultIdlePollMaximum,
            shutdownTimeout: Duration = Configuration.defaultShutdownTimeout,
            retryPolicy: RetryPolicy = .default,
            requestTimeout: Duration = Configuration.defaultRequestTimeout,
            connectTimeout: Duration = Configuration.defaultConnectTimeout,
            defaultMaxTokens: Int = Configuration.defaultDefaultMaxTokens,
            rateLimitHeadroom: Duration = Configuration.defaultRateLimitHeadroom,
            unknownLimitsInitialConcurrency: Int = Configuration.defaultUnknownLimitsInitialConcurrency,
            maxAdmissionWait: Duration = Configuration.defaultMaxAdmissionWait,
            admission: @escaping @Sendable (ProviderConfiguration) -> [any JobAdmission] = { _ in [] },
            circuitBreaker: CircuitBreaker.Configuration = CircuitBreaker.Configuration()
        ) {
            let heartbeatInterval = heartbeatInterval ?? leaseDuration / 3
            precondition(leaseDuration > .zero, "leaseDuration must be positive")
            precondition(
                heartbeatInterval > .zero && heartbeatInterval < leaseDuration,
                "heartbeatInterval must be positive and shorter than leaseDuration"
            )
            precondition(
                idlePollMinimum > .zero && idlePollMinimum <= idlePollMaximum,
                "idle poll bounds must be positive and ordered"
            )
            precondition(shutdownTimeout >= .zero, "shutdownTimeout must not be negative")
            precondition(requestTimeout > .zero && connectTimeout > .zero, "timeouts must be positive")
            precondition(defaultMaxTokens >= 0, "defaultMaxTokens must not be negative")
            precondition(rateLimitHeadroom >= .zero, "rateLimitHeadroom must not be negative")
            precondition(unknownLimitsInitialConcurrency > 0, "unknownLimitsInitialConcurrency must be positive")
            precondition(maxAdmissionWait >= .zero, "maxAdmissionWait must not be negative")
            self.leaseDuration = leaseDuration
            self.heartbeatInterval = heartbeatInterval
            self.idlePollMinimum = idlePollMinimum
            self.idlePollMaximum = idlePollMaximum
            self.shutdownTimeout = shutdownTimeout
            self.retryPolicy = retryPolicy
            self.requestTimeout = requestTimeout
            self.connectTimeout = connectTimeout
            self.defaultMaxTokens = defaultMaxTokens
            self.rateLimitHeadroom = rateLimitHeadroom
            self.unknownLimitsInitialConcurrency = unknownLimitsInitialConcurrency
            self.maxAdmissionWait = maxAdmissionWait
            self.admission = admission
            self.circuitBreaker = circuitBreaker
        }
    }
}
