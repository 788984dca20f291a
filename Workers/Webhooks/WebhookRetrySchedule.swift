package import Jobs

package import struct Foundation.Date

/// When to try a webhook delivery again, per Standard Webhooks: attempts at 0 s, 5 s, 5 min, 30 min, 2 h, 5 h,
/// 10 h and 10 h after the previous one, each delay with ±20 % jitter; then give up. Pure: the caller passes the
/// clock and the random source.
///
/// - 2xx: delivered.
/// - 410 Gone: disable the endpoint (a one-off job URL just fails).
/// - Anything else (3xx: redirects are never followed, other 4xx, 5xx, timeouts, refused connections, a refused
///   address): try again while the schedule lasts, then fail.
/// - A `retry-after` from the receiver pushes the next attempt later (never earlier), up to
///   `maximumRetryAfter`.
///
/// ```swift
/// var random = SystemRandomNumberGenerator()
/// let outcome = WebhookRetrySchedule().outcome(
///     afterAttempt: delivery.attempt, status: 503, retryAfter: .seconds(30), isEndpoint: true, now: Date(),
///     using: &random
/// )   // .retry(at: now + 5 s ± 1 s, or 30 s when later)
/// ```
package struct WebhookRetrySchedule: Sendable, Equatable {
    /// The delays of Standard Webhooks' recommended schedule: attempt 1 at once, then 5 s, 5 min, 30 min, 2 h, 5 h,
    /// 10 h, 10 h after the previous attempt (eight attempts over about 27.6 hours).
    package static let standardDelays: [Duration] = [
        .zero, .seconds(5), .seconds(5 * 60), .seconds(30 * 60), .seconds(2 * 3600), .seconds(5 * 3600),
        .seconds(10 * 3600), .seconds(10 * 3600),
    ]
    /// Default jitter: each delay is multiplied by a uniform factor in 0.8...1.2.
    package static let defaultJitter = 0.2
    /// Default bound on a receiver's `retry-after`: one hour.
    package static let defaultMaximumRetryAfter: Duration = .seconds(3600)

    /// `delays[i]` is the wait before attempt `i + 1` (index 0, the first attempt, is not used: it is immediate).
    /// The schedule allows `delays.count` attempts.
    package var delays: [Duration]
    /// Relative jitter, 0...1 (0.2 = ±20 %).
    package var jitter: Double
    /// The longest `retry-after` believed.
    package var maximumRetryAfter: Duration

    /// - Parameters:
    ///   - delays: wait before each attempt; at least one entry, none negative.
    ///   - jitter: relative jitter in 0...1.
    ///   - maximumRetryAfter: the bound on the receiver's `retry-after`.
    package init(
        delays: [Duration] = WebhookRetrySchedule.standardDelays,
        jitter: Double = WebhookRetrySchedule.defaultJitter,
        maximumRetryAfter: Duration = WebhookRetrySchedule.defaultMaximumRetryAfter
    ) {
        precondition(!delays.isEmpty && delays.allSatisfy { $0 >= .zero }, "delays: at least one, none negative")
        precondition((0...1).contains(jitter), "jitter must be in 0...1")
        self.delays = delays
        self.jitter = jitter
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// How many attempts a delivery gets.
    package var maxAttempts: Int { delays.count }

    /// What to do after an attempt.
    /// - Parameters:
    ///   - attempt: attempts made before this one (`WebhookDelivery.attempt`; 0 for the first).
    ///   - status: the receiver's HTTP status; nil when no answer came (connection, timeout, refused address).
    ///   - retryAfter: the receiver's `retry-after`, if any.
    ///   - isEndpoint: whether the delivery belongs to an endpoint (false for a job's one-off URL).
    ///   - now: the time the attempt ended.
    ///   - random: the jitter's random source (seeded in tests).
    package func outcome<Random: RandomNumberGenerator>(
        afterAttempt attempt: Int,
        status: Int?,
        retryAfter: Duration?,
        isEndpoint: Bool,
        now: Date,
        using random: inout Random
    ) -> WebhookAttemptOutcome {
        if let status, (200...299).contains(status) { return .delivered }
        if status == 410 { return isEndpoint ? .disableEndpoint : .failed }
        let next = attempt + 1
        guard next < delays.count else { return .failed }
        var delay = jittered(delays[next], using: &random)
        if let retryAfter { delay = max(delay, min(retryAfter, maximumRetryAfter)) }
        return .retry(at: now.addingTimeInterval(Self.seconds(delay)))
    }

    /// `delay` times a uniform factor in `1 - jitter ... 1 + jitter`.
    package func jittered<Random: RandomNumberGenerator>(_ delay: Duration, using random: inout Random) -> Duration {
        guard jitter > 0, delay > .zero else { return delay }
        let factor = Double.random(in: (1 - jitter)...(1 + jitter), using: &random)
        return delay * factor
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
