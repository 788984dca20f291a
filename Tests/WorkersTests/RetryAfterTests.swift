import Foundation
import Testing

@testable import Workers

@Suite struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT

    @Test func parse_whenSeconds_returnsThem() {
        #expect(RetryAfter.parse(headers: [("retry-after", "20")], now: now) == .seconds(20))
        #expect(RetryAfter.parse(headers: [("Retry-After", " 1.5 ")], now: now) == .milliseconds(1500))
    }

    @Test func parse_whenMilliseconds_prefersThemOverSeconds() {
        let headers = [("retry-after", "20"), ("retry-after-ms", "250")]
        #expect(RetryAfter.parse(headers: headers, now: now) == .milliseconds(250))
    }

    @Test func parse_whenHTTPDate_returnsTheDelayFromNow() {
        let headers = [("retry-after", "Sun, 06 Nov 1994 08:50:07 GMT")]
        #expect(RetryAfter.parse(headers: headers, now: now) == .seconds(30))
    }

    @Test func parse_whenHTTPDateIsPast_returnsZero() {
        let headers = [("retry-after", "Sun, 06 Nov 1994 08:00:00 GMT")]
        #expect(RetryAfter.parse(headers: headers, now: now) == .zero)
    }

    @Test func parse_whenGarbageOrNegativeOrMissing_returnsNil() {
        #expect(RetryAfter.parse(headers: [("retry-after", "soon")], now: now) == nil)
        #expect(RetryAfter.parse(headers: [("retry-after", "-3")], now: now) == nil)
        #expect(RetryAfter.parse(headers: [("x-other", "3")], now: now) == nil)
    }

    @Test func parse_whenHuge_clampsToOneDay() {
        #expect(RetryAfter.parse(headers: [("retry-after", "99999999999")], now: now) == RetryAfter.maximum)
    }

    @Test func parseHTTPDate_readsIMFFixdate() {
        #expect(RetryAfter.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == now)
        #expect(RetryAfter.parseHTTPDate("Thu, 01 Jan 1970 00:00:00 GMT") == Date(timeIntervalSince1970: 0))
        #expect(RetryAfter.parseHTTPDate("Tue, 29 Feb 2028 12:00:00 GMT") == Date(timeIntervalSince1970: 1_835_438_400))
        #expect(RetryAfter.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
    }

    @Test func headerNameMatching_ignoresASCIICaseOnly() {
        #expect("Retry-After".equalsIgnoringASCIICase("retry-after"))
        #expect("RETRY-AFTER-MS".equalsIgnoringASCIICase("retry-after-ms"))
        #expect(!"retry-after-ms".equalsIgnoringASCIICase("retry-after"))
        #expect(!"retry-afte".equalsIgnoringASCIICase("retry-after"))
        #expect(!"retry_after".equalsIgnoringASCIICase("retry-after"))
        #expect("X-RateLimit-Limit-Requests".containsIgnoringASCIICase("ratelimit"))
        #expect("anthropic-ratelimit-tokens-reset".containsIgnoringASCIICase("ratelimit"))
        #expect("ratelimit".containsIgnoringASCIICase("ratelimit"))
        #expect(!"content-type".containsIgnoringASCIICase("ratelimit"))
        #expect(!"rate".containsIgnoringASCIICase("ratelimit"))
        #expect(!"x-rate-limit".containsIgnoringASCIICase("ratelimit"))
    }
}
