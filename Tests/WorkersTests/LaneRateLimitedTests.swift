import Foundation
import Testing

@testable import Jobs
@testable import Workers

/// 429s give the attempt back, so they need their own bound.
@Suite struct LaneRateLimitedTests {
    // A bound of 3 instead of the default 20: the same rule in 4 round trips, so a loaded machine running the whole
    // suite in parallel does not starve 21 sequential calls past the wait (it did, at 20 s).
    @Test(.timeLimit(.minutes(1))) func run_whenTheProviderAlwaysAnswers429_failsTheJobAfterTheRetryLimit()
        async throws
    {
        let rateLimited = FakeTransport.error(429, headers: [("retry-after-ms", "1")], code: "rate_limit_exceeded")
        var configuration = PoolHarness.configuration()
        configuration.retryPolicy = RetryPolicy(base: .milliseconds(1), cap: .milliseconds(5), maxRateLimitedRetries: 3)
        try await PoolHarness.with(configuration: configuration, script: FakeTransport.always(.respond(rateLimited))) {
            harness in
            let id = try await harness.insert("throttled", maxAttempts: 1)  // no deadline
            try await eventually(timeout: .seconds(45), "the job ended") { try await harness.job(id).state.isFinal }
            let job = try await harness.job(id)
            #expect(job.state == .failed)
            #expect(job.error?.code == "rate_limited")
            #expect(job.attempt == 1)
            #expect(harness.transport.calls == 4)  // the first call and 3 retries (the policy's bound)
        }
    }

    @Test func counts_areResetPerJob_andForgottenWhenTheTableIsFull() {
        let counts = RateLimitedRetryCounts(limit: 2)
        counts.increment(JobID(1))
        counts.increment(JobID(1))
        counts.increment(JobID(2))
        #expect(counts.count(of: JobID(1)) == 2)
        counts.reset(JobID(2))
        #expect(counts.count(of: JobID(2)) == 0)
        counts.increment(JobID(3))
        #expect(counts.jobCount == 2)
        counts.increment(JobID(4))  // full: the old counts are forgotten, never made stricter
        #expect(counts.jobCount == 1)
        #expect(counts.count(of: JobID(1)) == 0)
        #expect(counts.count(of: JobID(4)) == 1)
    }
}
