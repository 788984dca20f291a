/// A read-only picture of one lane at one instant, for the operator's view (the dashboard): its limits, what it
/// learned from the provider, and what it runs now. Taken with `Lane.status(now:)`; holds no reference to the lane.
package struct LaneStatus: Sendable, Equatable {
    /// Limits learned for one model from the provider's rate-limit headers.
    package struct LearnedLimits: Sendable, Equatable {
        package var model: String
        /// Requests per minute the provider states, when it does.
        package var rpm: Int?
        /// Tokens per minute the provider states, when it does.
        package var tpm: Int?
    }

    /// The provider (and lane) name.
    package var provider: String
    /// Configured requests per minute for the whole lane.
    package var rpm: Int?
    /// Configured tokens per minute for the whole lane.
    package var tpm: Int?
    /// The lane's concurrency cap (`max_concurrency`).
    package var maxConcurrency: Int
    /// Calls the lane runs right now (claimed jobs, admitted or waiting for admission).
    package var running: Int
    /// Admitted calls holding rate capacity right now.
    package var inFlight: Int
    /// Per-model limits learned from headers, sorted by model.
    package var learned: [LearnedLimits]
    /// The calls allowed in flight while no limit is known (the adaptive window); nil once limits are known.
    package var adaptiveWindow: Int?
    /// How long the pause after a 429 still lasts; nil when the lane is not paused.
    package var pausedFor: Duration?

    /// Whether the lane admits no call right now because of a 429.
    package var isPaused: Bool { pausedFor != nil }
}

extension LaneStatus {
    /// The status of a lane from its rate limiter's state (a pure function, tested without a lane).
    /// - Parameters:
    ///   - provider: the lane's name.
    ///   - maxConcurrency: the lane's cap.
    ///   - running: calls the lane runs now.
    ///   - limits: the rate limiter's state.
    ///   - now: the instant the pause is measured against.
    package init(
        provider: String,
        maxConcurrency: Int,
        running: Int,
        limits: LaneRateLimits,
        now: ContinuousClock.Instant
    ) {
        let learned = limits.models.compactMap { model, buckets -> LearnedLimits? in
            guard !buckets.isEmpty else { return nil }
            return LearnedLimits(model: model, rpm: buckets.requests?.perMinute, tpm: buckets.tokens?.perMinute)
        }
        let knowsAnyLimit = !limits.lane.isEmpty || !learned.isEmpty
        self.init(
            provider: provider,
            rpm: limits.settings.rpm,
            tpm: limits.settings.tpm,
            maxConcurrency: maxConcurrency,
            running: running,
            inFlight: limits.inFlight,
            learned: learned.sorted { $0.model < $1.model },
            adaptiveWindow: knowsAnyLimit ? nil : limits.window,
            pausedFor: limits.pausedUntil.flatMap { until in until > now ? until - now : nil }
        )
    }
}

extension Lane {
    /// The lane's limits and current use, read under the rate limiter's lock (a copy; nothing is held after).
    /// - Parameter now: the instant the pause is measured against.
    package func status(now: ContinuousClock.Instant = .now) -> LaneStatus {
        LaneStatus(
            provider: provider,
            maxConcurrency: capacity,
            running: runningCount,
            limits: rateLimiter.limits,
            now: now
        )
    }
}
