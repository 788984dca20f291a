/// When to try a failed upstream call again: exponential backoff with full jitter, and the provider's
/// `Retry-After` when it asks for longer.
///
/// The delay before the retry that follows attempt `n` (1 for the first call) is drawn uniformly from
/// `0 ..< min(cap, base · 2^(n−1))` ("full jitter", which spreads a burst of failures best); when the provider
/// sent a `Retry-After`, the delay is the larger of the two. The defaults suit LLM calls, where an outage lasts
/// seconds to minutes, not days: 1 s, 2 s, 4 s … capped at 5 minutes.
///
/// A 429 gives the attempt back, so it is bounded on its own: a job is given back after a 429 at most
/// `maxRateLimitedRetries` times in a row (default 20; the count is kept by the lane in memory and reset by any
/// other outcome or a restart), and the next 429 fails it with `rate_limited`. Its backoff grows with that count
/// as with attempts (`n` = the larger of the attempt and the 429 count).
///
/// ```swift
/// var rng = SystemRandomNumberGenerator()
/// let delay = RetryPolicy.default.delay(afterAttempt: job.attempt, retryAfter: .seconds(3), using: &rng)
/// ```
package struct RetryPolicy: Sendable, Equatable {
    /// Default upper bound of the first retry's delay.
    package static let defaultBase: Duration = .seconds(1)
    /// Default longest delay the backoff itself produces (a larger `Retry-After` still wins).
    package static let defaultCap: Duration = .seconds(300)
    /// Default bound on retries after consecutive 429s of one job: 20.
    package static let defaultMaxRateLimitedRetries = 20

    /// The default policy: base 1 s, cap 5 minutes.
    package static var `default`: RetryPolicy { RetryPolicy() }

    /// Upper bound of the delay after the first attempt; it doubles with every further attempt.
    package var base: Duration
    /// The backoff never exceeds this, whatever the attempt.
    package var cap: Duration
    /// How many times in a row a job is given back after a 429 before the next 429 fails it.
    package var maxRateLimitedRetries: Int

    /// - Parameters:
    ///   - base: upper bound of the delay after the first attempt (default 1 s); must be positive.
    ///   - cap: the largest backoff (default 5 minutes); must not be below `base`.
    ///   - maxRateLimitedRetries: retries after consecutive 429s of one job (default 20); must not be negative.
    package init(
        base: Duration = RetryPolicy.defaultBase,
        cap: Duration = RetryPolicy.defaultCap,
        maxRateLimitedRetries: Int = RetryPolicy.defaultMaxRateLimitedRetries
    ) {
        precondition(base > .zero, "RetryPolicy.base must be positive")
        precondition(cap >= base, "RetryPolicy.cap must not be below base")
        precondition(maxRateLimitedRetries >= 0, "RetryPolicy.maxRateLimitedRetries must not be negative")
        self.base = base
        self.cap = cap
        self.maxRateLimitedRetries = maxRateLimitedRetries
    }

    /// The exponential ceiling for the retry after `attempt`: `min(cap, base · 2^(attempt−1))`.
    package func ceiling(afterAttempt attempt: Int) -> Duration {
        let exponent = max(0, attempt - 1)
        // Past 2^40 the product overflows nothing we care about but is far beyond any cap.
        guard exponent < 40 else { return cap }
        let grown = base * (1 << exponent)
        return min(cap, grown)
    }

    /// The backoff alone (full jitter): uniform in `0 ..< ceiling(afterAttempt:)`.
    package func backoff(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(afterAttempt: attempt)
        let nanoseconds = ceiling.nanoseconds
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0..<nanoseconds, using: &generator))
    }

    /// The delay before the next try: the jittered backoff, or `retryAfter` when that is larger.
    /// - Parameters:
    ///   - attempt: the attempt that just failed (1 for the first call).
    ///   - retryAfter: what the provider asked for (`Retry-After`, `retry-after-ms`), if anything.
    ///   - generator: the random source of the jitter; inject a seeded one in tests.
    package func delay(
        afterAttempt attempt: Int,
        retryAfter: Duration?,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let backoff = backoff(afterAttempt: attempt, using: &generator)
        guard let retryAfter else { return backoff }
        return max(backoff, retryAfter)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating at `Int64.max`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = product.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? .max : sum
    }

    /// The duration in seconds, as `Foundation.TimeInterval` wants it.
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
