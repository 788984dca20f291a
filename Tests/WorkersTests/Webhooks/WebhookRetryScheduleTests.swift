import Foundation
import Jobs
import Testing

@testable import Workers

struct WebhookRetryScheduleTests {
    private let now = Date(timeIntervalSince1970: 1_700_000_000)

    private func outcome(
        _ schedule: WebhookRetrySchedule = WebhookRetrySchedule(),
        attempt: Int = 0,
        status: Int?,
        retryAfter: Duration? = nil,
        isEndpoint: Bool = true,
        seed: UInt64 = 1
    ) -> WebhookAttemptOutcome {
        var random = SeededGenerator(seed: seed)
        return schedule.outcome(
            afterAttempt: attempt,
            status: status,
            retryAfter: retryAfter,
            isEndpoint: isEndpoint,
            now: now,
            using: &random
        )
    }

    private func retryDelay(_ outcome: WebhookAttemptOutcome) -> Double? {
        guard case .retry(let at) = outcome else { return nil }
        return at.timeIntervalSince(now)
    }

    @Test(arguments: [200, 201, 204, 299])
    func outcome_when2xx_isDelivered(status: Int) {
        #expect(outcome(attempt: 3, status: status) == .delivered)
    }

    @Test
    func outcome_when410_disablesTheEndpointOrFailsAOneOffURL() {
        #expect(outcome(status: 410) == .disableEndpoint)
        #expect(outcome(status: 410, isEndpoint: false) == .failed)
    }

    @Test(arguments: [nil, 301, 302, 400, 404, 408, 429, 500, 502, 503, 504] as [Int?])
    func outcome_whenOtherStatusOrNoAnswer_retriesAfterTheNextDelayWithJitter(status: Int?) throws {
        let delay = try #require(retryDelay(outcome(attempt: 0, status: status)))
        #expect(delay >= 4 && delay <= 6)  // 5 s ± 20 %
        let third = try #require(retryDelay(outcome(attempt: 1, status: status)))
        #expect(third >= 240 && third <= 360)  // 5 min ± 20 %
    }

    @Test
    func standardSchedule_hasEightAttemptsOverAboutTwentySevenHours() {
        let schedule = WebhookRetrySchedule()
        #expect(schedule.maxAttempts == 8)
        let total = schedule.delays.reduce(Duration.zero, +)
        #expect(total == .seconds(99_305))  // 5 s + 5 min + 30 min + 2 h + 5 h + 10 h + 10 h ≈ 27.6 h
    }

    @Test
    func outcome_whenLastAttemptFails_isFailed() {
        #expect(outcome(attempt: 6, status: 500) != .failed)
        #expect(outcome(attempt: 7, status: 500) == .failed)
        #expect(outcome(attempt: 7, status: nil) == .failed)
        let short = WebhookRetrySchedule(delays: [.zero, .seconds(1)])
        #expect(outcome(short, attempt: 1, status: 503) == .failed)
    }

    @Test
    func outcome_whenRetryAfterIsLonger_waitsForItButNeverBeyondTheBound() throws {
        let longer = try #require(retryDelay(outcome(attempt: 0, status: 503, retryAfter: .seconds(60))))
        #expect(longer == 60)
        let shorter = try #require(retryDelay(outcome(attempt: 0, status: 503, retryAfter: .seconds(1))))
        #expect(shorter >= 4 && shorter <= 6)
        let huge = try #require(retryDelay(outcome(attempt: 0, status: 429, retryAfter: .seconds(86_400))))
        #expect(huge == 3600)
    }

    @Test
    func jitter_whenSeeded_isReproducibleAndSpreadWithinTwentyPercent() {
        let schedule = WebhookRetrySchedule()
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        let a = (0..<200).map { _ in schedule.jittered(.seconds(100), using: &first) }
        let b = (0..<200).map { _ in schedule.jittered(.seconds(100), using: &second) }
        #expect(a == b)
        #expect(a.allSatisfy { $0 >= .seconds(80) && $0 <= .seconds(120) })
        #expect(a.contains { $0 < .seconds(90) } && a.contains { $0 > .seconds(110) })
    }

    @Test
    func jitter_whenZero_usesTheExactDelays() {
        let schedule = WebhookRetrySchedule(delays: [.zero, .milliseconds(250)], jitter: 0)
        #expect(retryDelay(outcome(schedule, attempt: 0, status: 500)) == 0.25)
    }
}
