package import Workers

extension SluiceConfiguration {
    /// Webhook delivery (`webhooks:` section).
    ///
    /// ```yaml
    /// webhooks:
    ///   allow: [loopback]                       # address classes allowed besides global ones (SSRF guard)
    ///   retry_schedule_seconds: [0, 5, 300]     # delay before each attempt; default: Standard Webhooks' schedule
    ///   max_concurrency: 16                     # deliveries in flight
    ///   timeout_seconds: 15                     # per attempt
    /// ```
    package struct Webhooks: Sendable, Equatable {
        /// Address classes webhook URLs may reach besides global ones: `loopback`, `private`, `link_local`, `cgnat`
        /// (default none). Metadata, unspecified, multicast, broadcast and reserved addresses are never allowed.
        package var allow: Set<OutboundAddressClass>
        /// The delay before each attempt (the first is normally 0); the number of entries is the number of
        /// attempts. Default: `WebhookRetrySchedule.standardDelays` (8 attempts over about 27.6 hours).
        package var retrySchedule: [Duration]
        /// Deliveries in flight at once (default 16).
        package var maxConcurrency: Int
        /// Limit on one attempt, in seconds (default 15).
        package var timeoutSeconds: Int

        /// The longest schedule accepted.
        package static let maxScheduleEntries = 50
        /// The longest delay accepted in a schedule: 7 days.
        package static let maxDelaySeconds = 7 * 86_400
        /// The longest attempt timeout accepted: 60 s.
        package static let maxTimeoutSeconds = 60
        /// The most deliveries in flight accepted.
        package static let maxConcurrencyCeiling = 1000

        package init(
            allow: Set<OutboundAddressClass> = [],
            retrySchedule: [Duration] = WebhookRetrySchedule.standardDelays,
            maxConcurrency: Int = WebhookDeliverer.Configuration.defaultMaxConcurrentDeliveries,
            timeoutSeconds: Int = 15
        ) {
            self.allow = allow
            self.retrySchedule = retrySchedule
            self.maxConcurrency = maxConcurrency
            self.timeoutSeconds = timeoutSeconds
        }

        /// The outbound URL policy these settings describe.
        package var policy: OutboundURLPolicy { OutboundURLPolicy(allowing: allow) }

        /// The deliverer's configuration these settings describe.
        package var delivererConfiguration: WebhookDeliverer.Configuration {
            WebhookDeliverer.Configuration(
                maxConcurrentDeliveries: maxConcurrency,
                requestTimeout: .seconds(timeoutSeconds),
                schedule: WebhookRetrySchedule(delays: retrySchedule)
            )
        }
    }
}
