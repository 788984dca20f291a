import Testing

@testable import Workers

@Suite struct LaneStatusTests {
    let start = ContinuousClock.now

    @Test func init_withConfiguredLimits_reportsThemAndNoAdaptiveWindow() {
        let limits = LaneRateLimits(settings: .init(rpm: 600, tpm: 90_000, maxConcurrency: 8), now: start)
        let status = LaneStatus(provider: "openai", maxConcurrency: 8, running: 3, limits: limits, now: start)
        #expect(status.provider == "openai" && status.rpm == 600 && status.tpm == 90_000)
        #expect(status.maxConcurrency == 8 && status.running == 3 && status.inFlight == 0)
        #expect(status.learned.isEmpty && status.adaptiveWindow == nil && !status.isPaused)
    }

    @Test func init_withUnknownLimits_reportsTheAdaptiveWindow() {
        let limits = LaneRateLimits(settings: .init(maxConcurrency: 64, initialWindow: 4), now: start)
        let status = LaneStatus(provider: "local", maxConcurrency: 64, running: 0, limits: limits, now: start)
        #expect(status.rpm == nil && status.tpm == nil && status.adaptiveWindow == 4)
    }

    @Test func init_afterAnAnswerWithHeadersAndA429_reportsLearnedLimitsAndThePause() throws {
        var limits = LaneRateLimits(settings: .init(maxConcurrency: 64), now: start)
        guard case .admitted(let first) = limits.admit(model: "gpt", tokens: 100, now: start) else {
            Issue.record("not admitted")
            return
        }
        let headers = RateLimitHeaders(
            requests: .init(limit: 500, remaining: 499, reset: .seconds(1)),
            tokens: .init(limit: 200_000, remaining: 199_000, reset: .seconds(1))
        )
        limits.settle(first, outcome: .init(sent: true, status: 200, headers: headers, chargedTokens: 100), now: start)
        guard case .admitted(let second) = limits.admit(model: "gpt", tokens: 100, now: start) else {
            Issue.record("not admitted")
            return
        }
        limits.settle(
            second,
            outcome: .init(sent: true, status: 429, headers: RateLimitHeaders(retryAfter: .seconds(2))),
            now: start
        )

        let status = LaneStatus(provider: "openai", maxConcurrency: 64, running: 0, limits: limits, now: start)
        #expect(status.learned == [.init(model: "gpt", rpm: 500, tpm: 200_000)])
        #expect(status.adaptiveWindow == nil)
        #expect(status.pausedFor == .seconds(2))
        let later = LaneStatus(
            provider: "openai",
            maxConcurrency: 64,
            running: 0,
            limits: limits,
            now: start + .seconds(3)
        )
        #expect(!later.isPaused)
    }
}
