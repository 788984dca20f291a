import Foundation
import Testing

@testable import Workers

@Suite struct RateLimitHeadersTests {
    let now = Date(timeIntervalSince1970: 1_755_780_000)  // 2025-08-21T12:40:00Z

    @Test(arguments: [
        ("6m0s", Duration.seconds(360)), ("12ms", .milliseconds(12)), ("1s", .seconds(1)),
        ("0.5s", .milliseconds(500)), ("1h2m3.5s", .milliseconds(3_723_500)), ("7.66s", .milliseconds(7660)),
        ("250us", .microseconds(250)), ("0s", .zero), ("2", .seconds(2)),
    ])
    func parseGoDuration_readsOpenAIResets(text: String, expected: Duration) {
        #expect(RateLimitHeaders.parseGoDuration(text) == expected)
    }

    @Test(arguments: ["", "soon", "5x", "-1s", "1.2.3s", "m"])
    func parseGoDuration_whenUnreadable_returnsNil(text: String) {
        #expect(RateLimitHeaders.parseGoDuration(text) == nil)
    }

    @Test func parseRFC3339_readsUTCFractionsAndOffsets() {
        #expect(RateLimitHeaders.parseRFC3339("2025-08-21T12:40:59Z") == now.addingTimeInterval(59))
        #expect(RateLimitHeaders.parseRFC3339("2025-08-21T12:40:59.5Z") == now.addingTimeInterval(59.5))
        #expect(RateLimitHeaders.parseRFC3339("2025-08-21T14:40:59+02:00") == now.addingTimeInterval(59))
        #expect(RateLimitHeaders.parseRFC3339("2025-08-21 12:40:59Z") == now.addingTimeInterval(59))
        #expect(RateLimitHeaders.parseRFC3339("2025-08-21T12:40:59") == nil)
        #expect(RateLimitHeaders.parseRFC3339("21 Aug 2025") == nil)
        #expect(RateLimitHeaders.parseRFC3339("2025-13-21T12:40:59Z") == nil)
    }

    @Test func parse_whenOpenAIHeaders_readsRequestsAndTokens() {
        let headers: [(name: String, value: String)] = [
            ("x-ratelimit-limit-requests", "600"), ("x-ratelimit-remaining-requests", "599"),
            ("x-ratelimit-reset-requests", "100ms"), ("X-RateLimit-Limit-Tokens", "150000"),
            ("x-ratelimit-remaining-tokens", "149990"), ("x-ratelimit-reset-tokens", "4ms"),
        ]
        let parsed = RateLimitHeaders.parse(headers, now: now)
        #expect(parsed.requests == .init(limit: 600, remaining: 599, reset: .milliseconds(100)))
        #expect(parsed.tokens == .init(limit: 150_000, remaining: 149_990, reset: .milliseconds(4)))
        #expect(parsed.retryAfter == nil)
        #expect(parsed.announcesLimits)
    }

    @Test func parse_whenAnthropicHeaders_turnsResetTimesIntoDurations() {
        let headers: [(name: String, value: String)] = [
            ("anthropic-ratelimit-requests-limit", "50"), ("anthropic-ratelimit-requests-remaining", "49"),
            ("anthropic-ratelimit-requests-reset", "2025-08-21T12:40:01Z"),
            ("anthropic-ratelimit-input-tokens-limit", "40000"),
            ("anthropic-ratelimit-input-tokens-remaining", "39000"),
            ("anthropic-ratelimit-input-tokens-reset", "2025-08-21T12:40:30Z"),
            ("retry-after", "3"),
        ]
        let parsed = RateLimitHeaders.parse(headers, now: now)
        #expect(parsed.requests == .init(limit: 50, remaining: 49, reset: .seconds(1)))
        #expect(parsed.tokens == .init(limit: 40_000, remaining: 39_000, reset: .seconds(30)))
        #expect(parsed.retryAfter == .seconds(3))
    }

    @Test func parse_whenAnthropicTokensPresent_prefersThemOverInputTokens() {
        let headers: [(name: String, value: String)] = [
            ("anthropic-ratelimit-tokens-limit", "90000"), ("anthropic-ratelimit-input-tokens-limit", "40000"),
        ]
        #expect(RateLimitHeaders.parse(headers, now: now).tokens.limit == 90_000)
    }

    @Test func parse_whenRetryAfterMs_usesIt_andIgnoresGarbage() {
        let headers: [(name: String, value: String)] = [
            ("retry-after-ms", "1500"), ("retry-after", "2"), ("x-ratelimit-limit-requests", "many"),
            ("x-ratelimit-reset-requests", "later"),
        ]
        let parsed = RateLimitHeaders.parse(headers, now: now)
        #expect(parsed.retryAfter == .milliseconds(1500))
        #expect(parsed.requests.isEmpty)
        #expect(!parsed.announcesLimits)
    }
}
