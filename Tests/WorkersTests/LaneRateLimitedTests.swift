import Foundation
import Testing

@testable import Jobs
@testable import Workers

/// 429s give the attempt back, so they need their own bound.
@Suite struct LaneRateLimitedTests {
    @Test(.timeLimit(.minutes(1))) func run_whenTheProviderAlwaysAnswers429_failsTheJobAfterTheRetryLimit()
        async throws
    {
        let rateLimited = FakeTransport.error(429, headers: [("retry-after-ms", "1")], code: "rate_limit_exceeded")
        try await PoolHarness.with(script: FakeTransport.always(.respond(rateLimited))) { harness in
            let id = try await harness.insert("throttled", maxAttempts: 1)  // no deadline
            try await eventually(timeout: .seconds(15), "the job ended") { try await harness.job(id).state.isFinal }
            let job = try await harness.job(id)
            #expect(job.state == .failed)
            #expect(job.error?.code == "rate_limited")
            #expect(job.attempt == 1)
            #expect(harness.transport.calls == 21)  // the first call and 20 retries (`RetryPolicy`'s default)
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
