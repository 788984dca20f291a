package import Jobs

package import struct Foundation.Date

/// What a lane records for a job once its attempt is over. Decided purely from the verdict, the job's attempt
/// count and deadline, the retry policy and the time, so the rules are tested without I/O.
package enum Settlement: Sendable, Equatable {
    /// running → succeeded with the answer.
    case complete(JobResponse)
    /// running → failed, keeping the provider's answer when there was one.
    case fail(JobResponse?, JobFailure)
    /// running → queued at `at`; `countsAttempt: false` gives the attempt back (rate limited). `response` is the
    /// provider's answer to the attempt, when there was one: the store bills it when it reported usage.
    case retry(at: Date, failure: JobFailure, countsAttempt: Bool, response: JobResponse?)

    /// Decides what to record after an attempt.
    ///
    /// - A retryable failure on the job's last attempt (`attempt >= maxAttempts`) fails the job with that failure.
    /// - A retry (counted or not) that would start after the job's deadline fails the job now with the failure in
    ///   hand: waiting would only end in `expired` and lose the reason.
    /// - A 429 retries after the larger of `Retry-After` and the backoff, without burning an attempt; the backoff
    ///   grows with `rateLimitedRetries`, and once that reached `policy.maxRateLimitedRetries` the 429 fails the job.
    ///
    /// - Parameters:
    ///   - verdict: the classifier's judgement of the attempt.
    ///   - response: the provider's answer, when there was one (kept when the job fails).
    ///   - job: the claimed job (attempt, max attempts, deadline).
    ///   - policy: the backoff policy.
    ///   - now: the current time.
    ///   - rateLimitedRetries: how many times in a row the job was already given back after a 429.
    ///   - generator: the jitter's random source.
    package static func decide(
        verdict: Verdict,
        response: JobResponse?,
        job: ClaimedJob,
        policy: RetryPolicy,
        rateLimitedRetries: Int = 0,
        now: Date,
        using generator: inout some RandomNumberGenerator
    ) -> Settlement {
        switch verdict {
        case .success:
            guard let response else {
                return .fail(
                    nil,
                    JobFailure(code: FailureClassifier.FailureCode.malformedResponse, message: "no answer")
                )
            }
            return .complete(response)
        case .permanent(let failure):
            return .fail(response, failure)
        case .retryable(let failure, let retryAfter):
            guard job.attempt < job.maxAttempts else {
                var failure = failure
                failure.message += " (attempt \(job.attempt) of \(job.maxAttempts); no attempts left)"
                return .fail(response, failure)
            }
            let delay = policy.delay(afterAttempt: job.attempt, retryAfter: retryAfter, using: &generator)
            return retry(job: job, response: response, failure: failure, at: now + delay, countsAttempt: true)
        case .rateLimited(let failure, let retryAfter):
            guard rateLimitedRetries < policy.maxRateLimitedRetries else {
                var failure = failure
                failure.message += " (rate limited \(rateLimitedRetries + 1) times in a row; no retries left)"
                return .fail(response, failure)
            }
            let backoffStep = max(job.attempt, rateLimitedRetries + 1)
            let delay = policy.delay(afterAttempt: backoffStep, retryAfter: retryAfter, using: &generator)
            return retry(job: job, response: response, failure: failure, at: now + delay, countsAttempt: false)
        }
    }

    /// What to record when an admission step deferred the job to `until` (a quota window, a long rate-limit
    /// pause): back to the queue without burning an attempt, or failed now when `until` is past its deadline.
    package static func deferral(job: ClaimedJob, until: Date, reason: JobFailure, now: Date) -> Settlement {
        retry(job: job, response: nil, failure: reason, at: max(until, now), countsAttempt: false)
    }

    private static func retry(
        job: ClaimedJob,
        response: JobResponse?,
        failure: JobFailure,
        at runAt: Date,
        countsAttempt: Bool
    ) -> Settlement {
        if let deadline = job.deadline, runAt >= deadline {
            var failure = failure
            failure.message += " (the next try would start after the job's deadline)"
            return .fail(response, failure)
        }
        return .retry(at: runAt, failure: failure, countsAttempt: countsAttempt, response: response)
    }
}

extension Date {
    static func + (date: Date, duration: Duration) -> Date {
        date.addingTimeInterval(duration.timeInterval)
    }
}
