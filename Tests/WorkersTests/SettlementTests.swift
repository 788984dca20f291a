import Foundation
import Testing

@testable import Jobs
@testable import Workers

@Suite struct SettlementTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let policy = RetryPolicy(base: .seconds(1), cap: .seconds(60))
    let response = JobResponse(statusCode: 503, requestID: "req_1", body: Data("{}".utf8), usage: nil)
    let failure = JobFailure(code: "upstream_error", message: "upstream answered HTTP 503")

    func job(attempt: Int = 1, maxAttempts: Int = 3, deadline: Date? = nil) -> ClaimedJob {
        ClaimedJob(
            lease: JobLease(jobID: JobID(1), token: 1),
            tenant: "t",
            batchID: nil,
            customID: nil,
            provider: "p",
            model: "m",
            endpoint: "/v1/chat/completions",
            body: Data(),
            priority: 0,
            attempt: attempt,
            maxAttempts: maxAttempts,
            deadline: deadline
        )
    }

    func decide(
        _ verdict: Verdict,
        job: ClaimedJob,
        response: JobResponse? = nil,
        rateLimitedRetries: Int = 0
    ) -> Settlement {
        var rng = SeededGenerator(seed: 5)
        return Settlement.decide(
            verdict: verdict,
            response: response ?? self.response,
            job: job,
            policy: policy,
            rateLimitedRetries: rateLimitedRetries,
            now: now,
            using: &rng
        )
    }

    @Test func decide_whenSuccess_completes() {
        let ok = JobResponse(statusCode: 200, requestID: nil, body: Data("{}".utf8), usage: nil)
        #expect(decide(.success, job: job(), response: ok) == .complete(ok))
    }

    @Test func decide_whenPermanent_failsKeepingTheResponse() {
        #expect(decide(.permanent(failure), job: job()) == .fail(response, failure))
    }

    @Test func decide_whenRetryable_retriesWithinTheBackoffAndCountsTheAttempt() {
        guard
            case .retry(let runAt, let kept, let countsAttempt, let answer) = decide(
                .retryable(failure, retryAfter: nil),
                job: job(attempt: 2)
            )
        else {
            Issue.record("expected a retry")
            return
        }
        #expect(countsAttempt)
        #expect(kept == failure)
        #expect(answer == response)  // handed to the store, which bills it when it reported usage
        #expect(runAt >= now)
        #expect(runAt < now.addingTimeInterval(2))  // attempt 2: U(0, 2 s)
    }

    @Test func decide_whenRetryableOnTheLastAttempt_failsKeepingTheResponse() {
        guard case .fail(let kept, let reason) = decide(.retryable(failure, retryAfter: nil), job: job(attempt: 3))
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(kept == response)
        #expect(reason.code == "upstream_error")
    }

    @Test func decide_whenRateLimited_retriesAfterRetryAfterWithoutCountingTheAttempt() {
        let verdict = Verdict.rateLimited(JobFailure(code: "rate_limited", message: "429"), retryAfter: .seconds(30))
        guard case .retry(let runAt, _, let countsAttempt, _) = decide(verdict, job: job(attempt: 3, maxAttempts: 3))
        else {
            Issue.record("expected a retry")
            return
        }
        #expect(!countsAttempt)
        #expect(runAt == now.addingTimeInterval(30))
    }

    @Test func decide_whenRateLimitedAgainAndAgain_backsOffByTheCountThenFails() {
        let verdict = Verdict.rateLimited(JobFailure(code: "rate_limited", message: "429"), retryAfter: nil)
        // The 7th 429 in a row (6 retries before): the ceiling is base · 2^6 = 64 s, capped at 60 s.
        guard case .retry(let runAt, _, let countsAttempt, _) = decide(verdict, job: job(), rateLimitedRetries: 6)
        else {
            Issue.record("expected a retry")
            return
        }
        #expect(!countsAttempt)
        #expect(runAt > now.addingTimeInterval(2))  // past the first attempt's 1 s ceiling (seeded jitter)
        #expect(runAt < now.addingTimeInterval(60))
        let limit = policy.maxRateLimitedRetries
        guard case .fail(let kept, let reason) = decide(verdict, job: job(), rateLimitedRetries: limit) else {
            Issue.record("expected a failure")
            return
        }
        #expect(kept == response)
        #expect(reason.code == "rate_limited")
        #expect(reason.message.contains("no retries left"))
    }

    @Test func decide_whenTheRetryWouldStartAfterTheDeadline_failsNow() {
        let verdict = Verdict.rateLimited(JobFailure(code: "rate_limited", message: "429"), retryAfter: .seconds(30))
        let settlement = decide(verdict, job: job(deadline: now.addingTimeInterval(10)))
        guard case .fail(let kept, let reason) = settlement else {
            Issue.record("expected a failure, got \(settlement)")
            return
        }
        #expect(kept == response)
        #expect(reason.code == "rate_limited")
    }
}
