import Testing

@testable import Workers

@Suite struct LaneRateLimitsTests {
    let start = ContinuousClock.now

    private func limits(
        rpm: Int? = nil,
        tpm: Int? = nil,
        maxConcurrency: Int = 64,
        headroom: Duration = .zero
    ) -> LaneRateLimits {
        LaneRateLimits(
            settings: .init(rpm: rpm, tpm: tpm, maxConcurrency: maxConcurrency, headroom: headroom, initialWindow: 4),
            now: start
        )
    }

    private func admitted(_ decision: LaneRateLimits.Decision) throws -> LaneRateLimits.Reservation {
        guard case .admitted(let reservation) = decision else {
            Issue.record("expected admission, got \(decision)")
            throw CancellationError()
        }
        return reservation
    }

    private static func openAIHeaders(requests: (Int, Int)? = nil, tokens: (Int, Int)? = nil) -> RateLimitHeaders {
        RateLimitHeaders(
            requests: requests.map { .init(limit: $0.0, remaining: $0.1, reset: .seconds(1)) } ?? .init(),
            tokens: tokens.map { .init(limit: $0.0, remaining: $0.1, reset: .seconds(1)) } ?? .init()
        )
    }

    // MARK: Configured limits

    @Test func admit_withConfiguredRPM_admitsTheBurstThenWaitsForTheRefill() throws {
        var state = limits(rpm: 60)
        var burst: [LaneRateLimits.Reservation] = []
        for _ in 0..<60 { burst.append(try admitted(state.admit(model: "m", tokens: 10, now: start))) }
        // The whole minute is held by calls in flight: only a settlement can make room.
        #expect(state.admit(model: "m", tokens: 10, now: start) == .waitForSettlement)
        for reservation in burst { state.settle(reservation, outcome: .init(sent: true, status: 200), now: start) }
        #expect(state.admit(model: "m", tokens: 10, now: start) == .wait(.seconds(1)))
        _ = try admitted(state.admit(model: "m", tokens: 10, now: start + .seconds(1)))
        #expect(state.inFlight == 1)
    }

    @Test func settle_whenTheCallWasSent_chargesTheRequestThen_notAtAdmission() throws {
        var state = limits(rpm: 60)
        let reservation = try admitted(state.admit(model: "m", tokens: 1, now: start))
        #expect(state.lane.requests?.level == 60)
        #expect(state.lane.heldRequests == 1)
        state.settle(reservation, outcome: .init(sent: true, status: 200), now: start)
        #expect(state.lane.requests?.level == 59)
        #expect(state.lane.heldRequests == 0)
    }

    @Test func admit_keepsTheHeadroomUnused() throws {
        var state = limits(rpm: 600, headroom: .milliseconds(100))  // 10/s → one request of headroom
        var burst: [LaneRateLimits.Reservation] = []
        for _ in 0..<599 { burst.append(try admitted(state.admit(model: "m", tokens: 1, now: start))) }
        #expect(state.admit(model: "m", tokens: 1, now: start) == .waitForSettlement)
        for reservation in burst { state.settle(reservation, outcome: .init(sent: true, status: 200), now: start) }
        #expect(state.admit(model: "m", tokens: 1, now: start) == .wait(.milliseconds(100)))
    }

    @Test func admit_withConfiguredTPM_waitsUntilTheEstimateFits() throws {
        var state = limits(tpm: 6_000)  // 100 tokens a second
        let first = try admitted(state.admit(model: "m", tokens: 5_900, now: start))
        #expect(first.tokens == 5_900)
        #expect(state.admit(model: "m", tokens: 300, now: start) == .waitForSettlement)
        state.settle(first, outcome: .init(sent: true, status: 200, chargedTokens: 5_900), now: start)
        #expect(state.admit(model: "m", tokens: 300, now: start) == .wait(.seconds(2)))
    }

    @Test func settle_givesBackTheUnusedEstimate_andChargesAnOverrun() throws {
        var state = limits(tpm: 6_000)
        let small = try admitted(state.admit(model: "m", tokens: 3_000, now: start))
        state.settle(small, outcome: .init(sent: true, status: 200, chargedTokens: 1_000), now: start)
        #expect(state.lane.tokens?.level == 5_000)
        let big = try admitted(state.admit(model: "m", tokens: 1_000, now: start))
        state.settle(big, outcome: .init(sent: true, status: 200, chargedTokens: 2_500), now: start)
        #expect(state.lane.tokens?.level == 2_500)
        #expect(state.lane.heldTokens == 0)
        #expect(state.inFlight == 0)
    }

    @Test func settle_whenNotSent_givesBackTheRequestAndTheTokens() throws {
        var state = limits(rpm: 60, tpm: 6_000)
        let reservation = try admitted(state.admit(model: "m", tokens: 500, now: start))
        state.settle(reservation, outcome: .notSent, now: start)
        #expect(state.lane.requests?.level == 60)
        #expect(state.lane.tokens?.level == 6_000)
        #expect(state.lane.heldRequests == 0 && state.lane.heldTokens == 0)
    }

    @Test func settle_whenSentWithoutUsage_givesBackTheTokensButKeepsTheRequest() throws {
        var state = limits(rpm: 60, tpm: 6_000)
        let reservation = try admitted(state.admit(model: "m", tokens: 500, now: start))
        state.settle(reservation, outcome: .init(sent: true), now: start)
        #expect(state.lane.requests?.level == 59)
        #expect(state.lane.tokens?.level == 6_000)
    }

    // MARK: 429

    @Test func settle_when429_pausesTheLaneForRetryAfter_andNothingIsAdmittedMeanwhile() throws {
        var state = limits(rpm: 600)
        let reservation = try admitted(state.admit(model: "m", tokens: 1, now: start))
        let pause = state.settle(
            reservation,
            outcome: .init(sent: true, status: 429, headers: RateLimitHeaders(retryAfter: .seconds(2))),
            now: start
        )
        #expect(pause == .seconds(2))
        #expect(state.admit(model: "m", tokens: 1, now: start + .seconds(1)) == .wait(.seconds(1)))
        #expect(state.claimAllowance(tokensPerCall: 1, waiting: 0, now: start + .seconds(1)).count == 0)
        _ = try admitted(state.admit(model: "m", tokens: 1, now: start + .seconds(2)))
    }

    @Test func settle_when429SaysRequestsAreExhausted_emptiesTheBucketAndWaitsForItsReset() throws {
        var state = limits(rpm: 600)
        let reservation = try admitted(state.admit(model: "m", tokens: 1, now: start))
        let headers = RateLimitHeaders(requests: .init(limit: 600, remaining: 0, reset: .milliseconds(300)))
        let pause = state.settle(reservation, outcome: .init(sent: true, status: 429, headers: headers), now: start)
        #expect(pause == .milliseconds(300))
        #expect(state.lane.requests?.level == 0)
    }

    @Test func settle_when429WithoutAnyHint_pausesForTheDefault() throws {
        var state = limits(rpm: 600)
        let reservation = try admitted(state.admit(model: "m", tokens: 1, now: start))
        let pause = state.settle(reservation, outcome: .init(sent: true, status: 429), now: start)
        #expect(pause == LaneRateLimits.Settings.defaultPause)
    }

    @Test func settle_whenHintless429sRepeat_doublesThePauseUpToTheCap_andASuccessResetsIt() throws {
        var state = limits(rpm: 600)
        var now = start
        var pauses: [Duration] = []
        for _ in 0..<9 {
            let reservation = try admitted(state.admit(model: "m", tokens: 1, now: now))
            let pause = state.settle(reservation, outcome: .init(sent: true, status: 429), now: now)
            pauses.append(try #require(pause))
            now = now + (pause ?? .zero)
        }
        #expect(pauses == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
        let ok = try admitted(state.admit(model: "m", tokens: 1, now: now))
        state.settle(ok, outcome: .init(sent: true, status: 200), now: now)
        let after = try admitted(state.admit(model: "m", tokens: 1, now: now))
        let pause = state.settle(after, outcome: .init(sent: true, status: 429), now: now)
        #expect(pause == .seconds(1))
    }

    @Test func settle_when429sArriveDuringOnePause_doesNotGrowIt() throws {
        var state = limits(rpm: 600)
        let first = try admitted(state.admit(model: "m", tokens: 1, now: start))
        let second = try admitted(state.admit(model: "m", tokens: 1, now: start))
        let pause = state.settle(first, outcome: .init(sent: true, status: 429), now: start)
        #expect(pause == .seconds(1))
        // A call that was already in flight comes back 429 within the same pause: still the same burst.
        state.settle(second, outcome: .init(sent: true, status: 429), now: start + .milliseconds(10))
        #expect(state.pausedUntil == start + .seconds(1))
    }

    // MARK: Unknown limits

    @Test func admit_withUnknownLimits_startsWithTheInitialWindow() throws {
        var state = limits()
        for _ in 0..<4 { _ = try admitted(state.admit(model: "m", tokens: 1, now: start)) }
        #expect(state.admit(model: "m", tokens: 1, now: start) == .waitForSettlement)
        #expect(state.claimAllowance(tokensPerCall: 1, waiting: 0, now: start) == (0, nil))
    }

    @Test func settle_whenTheFirstSuccessCarriesNoRateLimitHeaders_opensTheWindowToTheLaneConcurrency() throws {
        var state = limits(maxConcurrency: 64)
        let first = try admitted(state.admit(model: "m", tokens: 1, now: start))
        #expect(state.announcement == .unknown)
        // A server that answered first with a 5xx has said nothing yet.
        state.settle(first, outcome: .init(sent: true, status: 503), now: start)
        #expect(state.announcement == .unknown)
        #expect(state.window == 4)
        let second = try admitted(state.admit(model: "m", tokens: 1, now: start))
        state.settle(second, outcome: .init(sent: true, status: 200), now: start)
        #expect(state.announcement == .silent)
        #expect(state.window == 64)
        #expect(state.claimAllowance(tokensPerCall: 1, waiting: 0, now: start) == (64, nil))
        // Still AIMD: a 429 halves it, a success widens it by one.
        let third = try admitted(state.admit(model: "m", tokens: 1, now: start))
        state.settle(third, outcome: .init(sent: true, status: 429), now: start)
        #expect(state.window == 32)
        let fourth = try admitted(state.admit(model: "m", tokens: 1, now: start + .seconds(2)))
        state.settle(fourth, outcome: .init(sent: true, status: 200), now: start + .seconds(2))
        #expect(state.window == 33)
    }

    @Test func settle_whenTheFirstAnswerAnnouncesLimits_keepsTheConservativeStartForOtherModels() throws {
        var state = limits(maxConcurrency: 64)
        let first = try admitted(state.admit(model: "a", tokens: 1, now: start))
        let headers = Self.openAIHeaders(requests: (600, 599))
        state.settle(first, outcome: .init(sent: true, status: 200, headers: headers), now: start)
        #expect(state.announcement == .announced)
        // A later answer without headers (another model) does not open the window: it grows by one.
        let other = try admitted(state.admit(model: "b", tokens: 1, now: start))
        #expect(other.adaptive)
        state.settle(other, outcome: .init(sent: true, status: 200), now: start)
        #expect(state.announcement == .announced)
        #expect(state.window == 5)
    }

    @Test func settle_whenTheFirstAnswerIsA429WithoutHeaders_growsByOneOnSuccessAndHalvesOn429() throws {
        var state = limits(maxConcurrency: 6)
        let first = try admitted(state.admit(model: "m", tokens: 1, now: start))
        state.settle(first, outcome: .init(sent: true, status: 429), now: start)
        #expect(state.announcement == .silent)
        #expect(state.window == 2)
        let later = start + .seconds(2)  // after the pause
        for _ in 0..<5 {
            let reservation = try admitted(state.admit(model: "m", tokens: 1, now: later))
            state.settle(reservation, outcome: .init(sent: true, status: 200), now: later)
        }
        #expect(state.window == 6)  // 2 + 5, capped at the lane's concurrency
        let reservation = try admitted(state.admit(model: "m", tokens: 1, now: later))
        state.settle(reservation, outcome: .init(sent: true, status: 429), now: later)
        #expect(state.window == 3)
    }

    @Test func settle_whenHeadersStateTheLimits_learnsPerModelBucketsAtTheRemainingLevel() throws {
        var state = limits()
        let first = try admitted(state.admit(model: "a", tokens: 10, now: start))
        let second = try admitted(state.admit(model: "a", tokens: 10, now: start))
        let headers = Self.openAIHeaders(requests: (600, 500), tokens: (100_000, 90_000))
        state.settle(first, outcome: .init(sent: true, status: 200, headers: headers, chargedTokens: 10), now: start)
        #expect(state.knowsLimits(for: "a"))
        #expect(!state.knowsLimits(for: "b"))
        // The provider's level once it counted `first`; `second`, still in flight, is charged when it settles.
        #expect(state.models["a"]?.requests?.level == 500)
        #expect(state.models["a"]?.tokens?.level == 90_000)
        #expect(state.models["a"]?.requests?.perMinute == 600)
        // Once known, the window no longer applies to the model.
        for _ in 0..<10 { _ = try admitted(state.admit(model: "a", tokens: 10, now: start)) }
        state.settle(second, outcome: .init(sent: true, status: 200), now: start)
        #expect(state.models["a"]?.requests?.level == 499)
        #expect(state.models["a"]?.heldRequests == 10)
        #expect(state.claimAllowance(tokensPerCall: 10, waiting: 0, now: start).count == 489)
    }

    @Test func settle_whenTheLatestCallReportsFewerRemaining_lowersTheLevel() throws {
        var state = limits()
        let first = try admitted(state.admit(model: "a", tokens: 1, now: start))
        state.settle(
            first,
            outcome: .init(sent: true, status: 200, headers: Self.openAIHeaders(requests: (600, 599))),
            now: start
        )
        let second = try admitted(state.admit(model: "a", tokens: 1, now: start))
        // Another client shares the key: far fewer are left than we counted.
        state.settle(
            second,
            outcome: .init(sent: true, status: 200, headers: Self.openAIHeaders(requests: (600, 100))),
            now: start
        )
        #expect(state.models["a"]?.requests?.level == 100)
    }

    @Test func settle_whenHeadersStateAHigherLimitThanConfigured_keepsTheConfiguredOne() throws {
        var state = limits(rpm: 60)
        let reservation = try admitted(state.admit(model: "a", tokens: 1, now: start))
        let headers = Self.openAIHeaders(requests: (10_000, 9_999))
        state.settle(reservation, outcome: .init(sent: true, status: 200, headers: headers), now: start)
        #expect(state.models["a"]?.requests == nil)
        #expect(state.lane.requests?.perMinute == 60)
    }

    @Test func settle_whenHeadersStateALowerLimitThanConfigured_honoursIt() throws {
        var state = limits(rpm: 6_000)
        let reservation = try admitted(state.admit(model: "a", tokens: 1, now: start))
        let headers = Self.openAIHeaders(requests: (60, 0))
        state.settle(reservation, outcome: .init(sent: true, status: 200, headers: headers), now: start)
        #expect(state.models["a"]?.requests?.perMinute == 60)
        #expect(state.admit(model: "a", tokens: 1, now: start) == .wait(.seconds(1)))
    }

    // MARK: Claim allowance

    @Test func claimAllowance_countsWhatTheBucketsAdmitLessTheJobsWaiting() throws {
        let state = limits(rpm: 60, tpm: 6_000)
        #expect(state.claimAllowance(tokensPerCall: 1_000, waiting: 0, now: start).count == 6)
        #expect(state.claimAllowance(tokensPerCall: 1_000, waiting: 2, now: start).count == 4)
        let none = state.claimAllowance(tokensPerCall: 1_000, waiting: 6, now: start)
        #expect(none.count == 0)
        #expect(none.retryAfter == nil)  // the six waiting take the whole bucket: look again when one settles
        var drained = state
        let big = try admitted(drained.admit(model: "m", tokens: 5_000, now: start))
        #expect(drained.claimAllowance(tokensPerCall: 1_000, waiting: 0, now: start).count == 1)
        let held = drained.claimAllowance(tokensPerCall: 1_000, waiting: 1, now: start)
        #expect(held.count == 0)
        #expect(held.retryAfter == nil)  // the call in flight holds what refill cannot replace
        drained.settle(big, outcome: .init(sent: true, status: 200, chargedTokens: 5_000), now: start)
        let after = drained.claimAllowance(tokensPerCall: 1_000, waiting: 1, now: start)
        #expect(after.count == 0)
        #expect(after.retryAfter == .seconds(10))  // 2,000 tokens needed, 1,000 missing at 100/s
    }
}
