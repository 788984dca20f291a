import Foundation
import Testing

@testable import Jobs
@testable import Workers

@Suite struct ProviderRateLimiterTests {
    private static func request(
        _ id: Int64,
        model: String = "m",
        tokens: Int = 10,
        deadline: Date? = nil
    )
        -> AdmissionRequest
    {
        let job = ClaimedJob(
            lease: JobLease(jobID: JobID(id), token: id),
            tenant: "t",
            batchID: nil,
            customID: nil,
            provider: "p",
            model: model,
            endpoint: "/v1/chat/completions",
            body: Data(),
            priority: 0,
            attempt: 1,
            maxAttempts: 3,
            deadline: deadline
        )
        return AdmissionRequest(
            job: job,
            estimate: TokenEstimate(promptTokens: tokens, maxOutputTokens: 0, outputLimitRequested: false)
        )
    }

    private static func isAdmitted(_ decision: AdmissionDecision) -> Bool {
        if case .admitted = decision { return true }
        return false
    }

    private static let sent = UpstreamOutcome.failed(TransportError(.timeout, message: "t"))

    /// Admits `count` requests and settles them as sent, emptying that much of the requests bucket.
    private static func spend(_ count: Int, on limiter: ProviderRateLimiter) async throws {
        for id in 0..<count {
            let request = Self.request(Int64(id))
            #expect(Self.isAdmitted(try await limiter.admit(request)))
            await limiter.settle(request, outcome: Self.sent)
        }
    }

    @Test(.timeLimit(.minutes(1))) func admit_whenTheBucketIsEmpty_waitsForTheRefillInsteadOfRefusing() async throws {
        // 1,200 rpm = 20 a second; no headroom: 1,200 go at once, the next after ~50 ms.
        let limiter = ProviderRateLimiter(settings: .init(rpm: 1_200, maxConcurrency: 2_000, headroom: .zero))
        try await Self.spend(1_200, on: limiter)
        #expect(limiter.claimAllowance(freeSlots: 10, waiting: 0).count == 0)
        #expect(Self.isAdmitted(try await limiter.admit(Self.request(5_000))))
        #expect(limiter.limits.inFlight == 1)
    }

    @Test(.timeLimit(.minutes(1))) func admit_whenCallsInFlightHoldTheBucket_waitsForASettlement() async throws {
        let limiter = ProviderRateLimiter(settings: .init(rpm: 2, headroom: .zero))
        let first = Self.request(1)
        #expect(Self.isAdmitted(try await limiter.admit(first)))
        #expect(Self.isAdmitted(try await limiter.admit(Self.request(2))))
        let third = Task { try await limiter.admit(Self.request(3)) }
        try await eventually("the third call waits") { limiter.claimAllowance(freeSlots: 1, waiting: 1) == (0, nil) }
        // Not sent: the request comes back at once.
        await limiter.settle(first, outcome: .notSent)
        #expect(Self.isAdmitted(try await third.value))
    }

    @Test(.timeLimit(.minutes(1))) func admit_whenTheWaitExceedsMaxWait_defersTheJob() async throws {
        let limiter = ProviderRateLimiter(settings: .init(rpm: 1, headroom: .zero), maxWait: .seconds(5))
        try await Self.spend(1, on: limiter)
        guard case .deferred(let until, let reason) = try await limiter.admit(Self.request(2)) else {
            Issue.record("expected a deferral")
            return
        }
        #expect(until > Date().addingTimeInterval(50))
        #expect(reason.code == "rate_limited")
    }

    @Test(.timeLimit(.minutes(1))) func admit_whenTheWaitEndsPastTheDeadline_defersTheJob() async throws {
        let limiter = ProviderRateLimiter(settings: .init(rpm: 60, headroom: .zero))
        try await Self.spend(60, on: limiter)
        let decision = try await limiter.admit(Self.request(99, deadline: Date().addingTimeInterval(0.2)))
        guard case .deferred = decision else {
            Issue.record("expected a deferral, got \(decision)")
            return
        }
    }

    @Test(.timeLimit(.minutes(1))) func admit_whenCancelledWhileWaiting_throwsAndLetsTheNextOneIn() async throws {
        let limiter = ProviderRateLimiter(settings: .init(maxConcurrency: 8, initialWindow: 1))
        let first = Self.request(1)
        #expect(Self.isAdmitted(try await limiter.admit(first)))
        let waiting = Task { try await limiter.admit(Self.request(2)) }
        let behind = Task { try await limiter.admit(Self.request(3)) }
        try await eventually("both wait") { limiter.claimAllowance(freeSlots: 8, waiting: 2).count == 0 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        // The window's one slot is still held by `first`; settling it lets the job behind in.
        await limiter.settle(first, outcome: .failed(TransportError(.timeout, message: "t")))
        #expect(Self.isAdmitted(try await behind.value))
    }

    @Test(.timeLimit(.minutes(1))) func settle_when429_pausesTheClaimAllowance() async throws {
        let limiter = ProviderRateLimiter(settings: .init(rpm: 600))
        let request = Self.request(1)
        _ = try await limiter.admit(request)
        let answer = ProviderAnswer(
            response: JobResponse(statusCode: 429, requestID: nil, body: Data(), usage: nil),
            headers: [("retry-after", "30")],
            isWellFormed: true,
            errorCode: nil
        )
        await limiter.settle(
            request,
            outcome: .answered(answer, .rateLimited(JobFailure(code: "rate_limited", message: "429"), retryAfter: nil))
        )
        let allowance = limiter.claimAllowance(freeSlots: 10, waiting: 0)
        #expect(allowance.count == 0)
        #expect((allowance.retryAfter ?? .zero) > .seconds(29))
    }
}
