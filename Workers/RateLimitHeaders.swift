package import struct Foundation.Date

/// What a provider's answer says about its rate limits, read from the headers of any answer (2xx or 429).
///
/// - OpenAI and compatibles: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`; the reset is a Go-style
///   duration (`6m0s`, `1s`, `0.5s`, `12ms`) until the bucket is full again.
/// - Anthropic: `anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}`, the reset an RFC 3339 time
///   (`2025-08-21T12:40:59Z`). When `tokens-*` is absent, `input-tokens-*` stands in (the limit that binds first
///   for prompt-heavy work).
/// - `retry-after-ms` / `retry-after` as `RetryAfter` reads them.
///
/// Limits are taken as per minute (rpm, tpm), as both providers define them. Unreadable values are ignored.
///
/// ```swift
/// let limits = RateLimitHeaders.parse(answer.headers, now: Date())
/// if let rpm = limits.requests.limit { … }
/// ```
package struct RateLimitHeaders: Sendable, Equatable {
    /// One limit as the headers state it.
    package struct Limit: Sendable, Equatable {
        /// The limit per minute.
        package var limit: Int?
        /// What is left of it right now.
        package var remaining: Int?
        /// How long until it is fully replenished.
        package var reset: Duration?

        package init(limit: Int? = nil, remaining: Int? = nil, reset: Duration? = nil) {
            self.limit = limit
            self.remaining = remaining
            self.reset = reset
        }

        /// Whether any field was present.
        package var isEmpty: Bool { limit == nil && remaining == nil && reset == nil }
    }

    package var requests: Limit
    package var tokens: Limit
    /// `retry-after-ms` or `retry-after`, when present.
    package var retryAfter: Duration?

    package init(requests: Limit = Limit(), tokens: Limit = Limit(), retryAfter: Duration? = nil) {
        self.requests = requests
        self.tokens = tokens
        self.retryAfter = retryAfter
    }

    /// Whether the answer announced any limit (the provider publishes its limits).
    package var announcesLimits: Bool { requests.limit != nil || tokens.limit != nil }

    /// Reads the rate-limit headers.
    /// - Parameters:
    ///   - headers: the answer's header fields (names compared case-insensitively).
    ///   - now: the current time, to turn Anthropic's reset times and HTTP-dates into durations.
    package static func parse(_ headers: [(name: String, value: String)], now: Date) -> RateLimitHeaders {
        var fields: [String: String] = [:]
        for header in headers where header.name.containsIgnoringASCIICase("ratelimit") {
            let name = header.name.lowercased()
            if fields[name] == nil { fields[name] = header.value.trimmingWhitespace() }
        }
        func openAI(_ kind: String) -> Limit {
            Limit(
                limit: fields["x-ratelimit-limit-\(kind)"].flatMap(count),
                remaining: fields["x-ratelimit-remaining-\(kind)"].flatMap(count),
                reset: fields["x-ratelimit-reset-\(kind)"].flatMap(parseGoDuration)
            )
        }
        func anthropic(_ kind: String) -> Limit {
            Limit(
                limit: fields["anthropic-ratelimit-\(kind)-limit"].flatMap(count),
                remaining: fields["anthropic-ratelimit-\(kind)-remaining"].flatMap(count),
                reset: fields["anthropic-ratelimit-\(kind)-reset"].flatMap { parseRFC3339($0) }.map {
                    Duration.milliseconds(Int64((max(0, $0.timeIntervalSince(now)) * 1000).rounded(.up)))
                }
            )
        }
        // Most answers of self-hosted servers carry none: skip the lookups (and their string building).
        let retryAfter = RetryAfter.parse(headers: headers, now: now)
        guard !fields.isEmpty else { return RateLimitHeaders(retryAfter: retryAfter) }
        var requests = openAI("requests")
        if requests.isEmpty { requests = anthropic("requests") }
        var tokens = openAI("tokens")
        if tokens.isEmpty { tokens = anthropic("tokens") }
        if tokens.isEmpty { tokens = anthropic("input-tokens") }
        return RateLimitHeaders(
            requests: requests,
            tokens: tokens,
            retryAfter: retryAfter
        )
    }

    /// A non-negative integer count (`"600"`); nil otherwise.
    private static func count(_ text: String) -> Int? {
        guard let value = Int(text), value >= 0 else { return nil }
        return value
    }

    /// Parses a Go `time.Duration` string as OpenAI sends it: a sequence of decimal numbers with units
    /// `h`, `m`, `s`, `ms`, `us`/`µs`, `ns` (`6m0s`, `1h2m3.5s`, `12ms`, `0.5s`). A bare number is seconds.
    /// Returns nil for anything else, or for a negative duration.
    package static func parseGoDuration(_ text: String) -> Duration? {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        var index = 0
        var nanoseconds = 0.0
        while index < scalars.count {
            var number = ""
            while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == "." {
                number.unicodeScalars.append(scalars[index])
                index += 1
            }
            var unit = ""
            while index < scalars.count, !(("0"..."9").contains(scalars[index]) || scalars[index] == ".") {
                unit.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard let value = Double(number), value.isFinite else { return nil }
            let scale: Double
            switch unit {
            case "h": scale = 3_600e9
            case "m": scale = 60e9
            case "s": scale = 1e9
            case "ms": scale = 1e6
            case "us", "µs", "μs": scale = 1e3
            case "ns": scale = 1
            default: return nil
            }
            nanoseconds += value * scale
        }
        guard nanoseconds.isFinite, nanoseconds < 1e18 else { return nil }
        return .nanoseconds(Int64(nanoseconds.rounded()))
    }

    /// Parses an RFC 3339 date-time (`2025-08-21T12:40:59Z`, `…59.123Z`, `…59+02:00`); nil for any other form.
    package static func parseRFC3339(_ text: String) -> Date? {
        let scalars = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= scalars.count else { return nil }
            var value = 0
            for byte in scalars[start..<start + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func byte(_ index: Int) -> UInt8? { index < scalars.count ? scalars[index] : nil }
        guard let year = digits(0, 4), byte(4) == UInt8(ascii: "-"), let month = digits(5, 2),
            byte(7) == UInt8(ascii: "-"), let day = digits(8, 2),
            let separator = byte(10),
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t")
                || separator == UInt8(ascii: " "),
            let hour = digits(11, 2), byte(13) == UInt8(ascii: ":"), let minute = digits(14, 2),
            byte(16) == UInt8(ascii: ":"), let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if byte(index) == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while let next = byte(index), (48...57).contains(next) {
                fraction += Double(next - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        switch byte(index) {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let hours = digits(index + 1, 2), byte(index + 3) == UInt8(ascii: ":"),
                let minutes = digits(index + 4, 2)
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (byte(index) == UInt8(ascii: "+") ? 1 : -1)
            index += 6
        default:
            return nil
        }
        guard index == scalars.count else { return nil }
        let days = RetryAfter.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
