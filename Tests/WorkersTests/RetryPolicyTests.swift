import Testing

@testable import Workers

@Suite struct RetryPolicyTests {
    @Test func delay_whenNoRetryAfter_neverExceedsTheCeilingOrTheCap() {
        let policy = RetryPolicy(base: .seconds(1), cap: .seconds(300))
        var rng = SeededGenerator(seed: 1)
        for attempt in 1...30 {
            for _ in 0..<200 {
                let delay = policy.delay(afterAttempt: attempt, retryAfter: nil, using: &rng)
                #expect(delay >= .zero)
                #expect(delay < policy.ceiling(afterAttempt: attempt))
                #expect(delay <= .seconds(300))
            }
        }
    }

    @Test func ceiling_growsExponentiallyWithAttemptUntilTheCap() {
        let policy = RetryPolicy(base: .seconds(1), cap: .seconds(300))
        #expect(policy.ceiling(afterAttempt: 1) == .seconds(1))
        #expect(policy.ceiling(afterAttempt: 2) == .seconds(2))
        #expect(policy.ceiling(afterAttempt: 3) == .seconds(4))
        #expect(policy.ceiling(afterAttempt: 9) == .seconds(256))
        #expect(policy.ceiling(afterAttempt: 10) == .seconds(300))
        #expect(policy.ceiling(afterAttempt: 1_000) == .seconds(300))
        #expect(policy.ceiling(afterAttempt: 0) == .seconds(1))
    }

    @Test func delay_growsWithAttemptOnAverage() {
        let policy = RetryPolicy.default
        var rng = SeededGenerator(seed: 7)
        func mean(_ attempt: Int) -> Double {
            var total = 0.0
            for _ in 0..<500 { total += policy.delay(afterAttempt: attempt, retryAfter: nil, using: &rng).seconds }
            return total / 500
        }
        let means = (1...8).map(mean)
        for (earlier, later) in zip(means, means.dropFirst()) {
            #expect(later > earlier)
        }
    }

    @Test func delay_whenRetryAfterIsLarger_isExactlyRetryAfter() {
        let policy = RetryPolicy(base: .seconds(1), cap: .seconds(10))
        var rng = SeededGenerator(seed: 3)
        for attempt in 1...10 {
            #expect(policy.delay(afterAttempt: attempt, retryAfter: .seconds(60), using: &rng) == .seconds(60))
        }
    }

    @Test func delay_whenRetryAfterIsGiven_isNeverBelowIt() {
        let policy = RetryPolicy.default
        var rng = SeededGenerator(seed: 11)
        for attempt in 1...12 {
            for _ in 0..<100 {
                let delay = policy.delay(afterAttempt: attempt, retryAfter: .seconds(2), using: &rng)
                #expect(delay >= .seconds(2))
                #expect(delay <= max(.seconds(2), policy.cap))
            }
        }
    }

    @Test func delay_withTheSameSeed_isDeterministic() {
        let policy = RetryPolicy.default
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        let a = (1...10).map { policy.delay(afterAttempt: $0, retryAfter: nil, using: &first) }
        let b = (1...10).map { policy.delay(afterAttempt: $0, retryAfter: nil, using: &second) }
        #expect(a == b)
    }

    @Test func defaults_areOneSecondBaseAndFiveMinuteCap() {
        #expect(RetryPolicy.default.base == .seconds(1))
        #expect(RetryPolicy.default.cap == .seconds(300))
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
