import Testing

@testable import MockProvider

@Suite struct MockRateLimiterTests {
    private let start = ContinuousClock.now

    @Test func admit_whenRequestBucketEmpty_limitsUntilOneRequestRefills() {
        var limiter = MockRateLimiter(rpm: 2, tpm: nil, now: start)
        guard case .admitted = limiter.admit(tokens: 10, now: start) else {
            Issue.record("first")
            return
        }
        guard case .admitted(let status) = limiter.admit(tokens: 10, now: start) else {
            Issue.record("second")
            return
        }
        #expect(status.headers.contains { $0 == ("x-ratelimit-remaining-requests", "0") })
        guard case .limited(_, let retryAfter, let limit) = limiter.admit(tokens: 10, now: start) else {
            Issue.record("third should be limited")
            return
        }
        #expect(limit == "requests")
        #expect(retryAfter == .seconds(30))
        guard case .admitted = limiter.admit(tokens: 10, now: start + .seconds(30)) else {
            Issue.record("admitted after refill")
            return
        }
    }

    @Test func admit_whenTokensExhausted_limitsOnTokens_andRefusalTakesNothing() {
        var limiter = MockRateLimiter(rpm: 1000, tpm: 600, now: start)
        guard case .admitted = limiter.admit(tokens: 500, now: start) else {
            Issue.record("first")
            return
        }
        guard case .limited(let status, let retryAfter, let limit) = limiter.admit(tokens: 200, now: start) else {
            Issue.record("second should be limited")
            return
        }
        #expect(limit == "tokens")
        #expect(retryAfter == .seconds(10))
        #expect(status.headers.contains { $0 == ("x-ratelimit-remaining-tokens", "100") })
        #expect(status.headers.contains { $0 == ("x-ratelimit-remaining-requests", "999") })
    }

    @Test func admit_costAboveCapacity_waitsForAFullBucketOnly() {
        var limiter = MockRateLimiter(rpm: nil, tpm: 100, now: start)
        guard case .admitted = limiter.admit(tokens: 1000, now: start) else {
            Issue.record("full bucket admits")
            return
        }
        guard case .limited(_, let retryAfter, _) = limiter.admit(tokens: 1000, now: start) else {
            Issue.record("empty bucket limits")
            return
        }
        #expect(retryAfter == .seconds(60))
    }

    @Test func headers_carryLimitRemainingAndGoStyleReset() {
        var limiter = MockRateLimiter(rpm: 60, tpm: 6000, now: start)
        guard case .admitted(let status) = limiter.admit(tokens: 100, now: start) else {
            Issue.record("admit")
            return
        }
        let headers = Dictionary(uniqueKeysWithValues: status.headers)
        #expect(headers["x-ratelimit-limit-requests"] == "60")
        #expect(headers["x-ratelimit-remaining-requests"] == "59")
        #expect(headers["x-ratelimit-reset-requests"] == "1s")
        #expect(headers["x-ratelimit-limit-tokens"] == "6000")
        #expect(headers["x-ratelimit-remaining-tokens"] == "5900")
        #expect(headers["x-ratelimit-reset-tokens"] == "1s")
    }

    @Test(arguments: [
        (0.0, "0s"), (0.012, "12ms"), (0.5, "500ms"), (1, "1s"), (7.66, "7.66s"), (360, "6m0s"),
        (3723, "1h2m3s"), (61.5, "1m1.5s"),
    ])
    func goDuration_formatsLikeOpenAI(seconds: Double, expected: String) {
        #expect(GoDuration.format(seconds: seconds) == expected)
    }
}
