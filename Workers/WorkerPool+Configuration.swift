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

        /// - Parameters: see the properties; `heartbeatInterval` defaults to `leaseDuration / 3`.
        package init(
            leaseDuration: Duration = Configuration.defaultLeaseDuration,
            heartbeatInterval: Duration? = nil,
            idlePollMinimum: Duration = Configuration.defaultIdlePollMinimum,
            idlePollMaximum: Duration = Configuration.defaultIdlePollMaximum,
            shutdownTimeout: Duration = Configuration.defaultShutdownTimeout,
            retryPolicy: RetryPolicy = .default,
            requestTimeout: Duration = Configuration.defaultRequestTimeout,
            connectTimeout: Duration = Configuration.defaultConnectTimeout
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
            self.leaseDuration = leaseDuration
            self.heartbeatInterval = heartbeatInterval
            self.idlePollMinimum = idlePollMinimum
            self.idlePollMaximum = idlePollMaximum
            self.shutdownTimeout = shutdownTimeout
            self.retryPolicy = retryPolicy
            self.requestTimeout = requestTimeout
            self.connectTimeout = connectTimeout
        }
    }
}
