extension WebhookDeliverer {
    /// Tunables of the webhook deliverer (`webhooks:` in the configuration file).
    package struct Configuration: Sendable {
        /// Default bound on deliveries in flight at once: 16.
        package static let defaultMaxConcurrentDeliveries = 16
        /// Default limit on one attempt, connection included: 15 s (Standard Webhooks: 15–30 s).
        package static let defaultRequestTimeout: Duration = .seconds(15)
        /// The `user-agent` header of every delivery.
        package static let defaultUserAgent = "Sluice-Webhooks/1"

        /// Deliveries in flight at once (default 16).
        package var maxConcurrentDeliveries: Int
        /// Limit on one attempt (default 15 s).
        package var requestTimeout: Duration
        /// How long a claimed delivery stays ours: the request timeout plus a minute of slack, so a slow attempt is
        /// recorded before the store would hand the delivery to someone else.
        package var leaseDuration: Duration { requestTimeout + .seconds(60) }
        /// When to try again after a failed attempt.
        package var schedule: WebhookRetrySchedule
        /// The longest sleep without looking at the store (default 60 s): a safety net for wake-ups that never
        /// come (a delivery claimed by a crashed process whose lease runs out).
        package var maxIdleWait: Duration
        /// The `user-agent` header.
        package var userAgent: String

        package init(
            maxConcurrentDeliveries: Int = Configuration.defaultMaxConcurrentDeliveries,
            requestTimeout: Duration = Configuration.defaultRequestTimeout,
            schedule: WebhookRetrySchedule = WebhookRetrySchedule(),
            maxIdleWait: Duration = .seconds(60),
            userAgent: String = Configuration.defaultUserAgent
        ) {
            precondition(maxConcurrentDeliveries >= 1, "maxConcurrentDeliveries must be at least 1")
            precondition(requestTimeout > .zero && maxIdleWait > .zero, "timeouts must be positive")
            self.maxConcurrentDeliveries = maxConcurrentDeliveries
            self.requestTimeout = requestTimeout
            self.schedule = schedule
            self.maxIdleWait = maxIdleWait
            self.userAgent = userAgent
        }
    }
}
