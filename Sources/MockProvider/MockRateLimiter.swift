/// The mock's own rate limits: one token bucket for requests per minute and one for tokens per minute, both
/// starting full and refilling continuously, like OpenAI's. Pure: the caller passes `now`, so it is tested
/// without clocks or I/O. The responder keeps one behind a lock.
struct MockRateLimiter: Sendable {
    /// A bucket of `capacity` units refilling at `capacity` per minute.
    struct Bucket: Sendable, Equatable {
        let capacity: Double
        private(set) var level: Double

        init(perMinute: Int) {
            capacity = Double(perMinute)
            level = capacity
        }

        var perSecond: Double { capacity / 60 }

        mutating func refill(seconds: Double) {
            level = min(capacity, level + seconds * perSecond)
        }

        /// Seconds until `amount` (at most the capacity) is available.
        func secondsUntil(_ amount: Double) -> Double {
            max(0, min(amount, capacity) - level) / perSecond
        }

        /// Seconds until the bucket is full again.
        var secondsUntilFull: Double { (capacity - level) / perSecond }

        mutating func take(_ amount: Double) { level -= min(amount, capacity) }
    }

    /// What the `x-ratelimit-*` headers say after a decision.
    struct Status: Sendable, Equatable {
        var requests: Bucket?
        var tokens: Bucket?
    }

    enum Decision: Sendable, Equatable {
        case admitted(Status)
        /// Refused; `retryAfter` is when the request would be admitted, `limit` is `"requests"` or `"tokens"`.
        case limited(Status, retryAfter: Duration, limit: String)
    }

    private var requests: Bucket?
    private var tokens: Bucket?
    private var last: ContinuousClock.Instant

    init(rpm: Int?, tpm: Int?, now: ContinuousClock.Instant) {
        requests = rpm.map(Bucket.init(perMinute:))
        tokens = tpm.map(Bucket.init(perMinute:))
        last = now
    }

    var isUnlimited: Bool { requests == nil && tokens == nil }

    /// Admits one request costing `tokens` tokens at `now`, or says how long to wait.
    mutating func admit(tokens cost: Int, now: ContinuousClock.Instant) -> Decision {
        let elapsed = now > last ? now - last : .zero
        last = max(last, now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        requests?.refill(seconds: seconds)
        tokens?.refill(seconds: seconds)

        let requestWait = requests?.secondsUntil(1) ?? 0
        let tokenWait = tokens?.secondsUntil(Double(cost)) ?? 0
        guard requestWait == 0, tokenWait == 0 else {
            let limit = requestWait >= tokenWait ? "requests" : "tokens"
            return .limited(
                Status(requests: requests, tokens: tokens),
                retryAfter: .seconds(max(requestWait, tokenWait)),
                limit: limit
            )
        }
        requests?.take(1)
        tokens?.take(Double(cost))
        return .admitted(Status(requests: requests, tokens: tokens))
    }
}

extension MockRateLimiter.Status {
    /// The OpenAI headers (wire-formats.md §2.3), as name/value pairs.
    var headers: [(String, String)] {
        var fields: [(String, String)] = []
        for (name, bucket) in [("requests", requests), ("tokens", tokens)] {
            guard let bucket else { continue }
            fields.append(("x-ratelimit-limit-\(name)", String(Int(bucket.capacity))))
            fields.append(("x-ratelimit-remaining-\(name)", String(max(0, Int(bucket.level.rounded(.down))))))
            fields.append(("x-ratelimit-reset-\(name)", GoDuration.format(seconds: bucket.secondsUntilFull)))
        }
        return fields
    }
}

/// Go-style duration strings as OpenAI sends them in `x-ratelimit-reset-*`: `12ms`, `1s`, `7.66s`, `6m0s`,
/// `1h2m3s`.
enum GoDuration {
    static func format(seconds: Double) -> String {
        guard seconds > 0 else { return "0s" }
        if seconds < 1 {
            return "\(Int((seconds * 1000).rounded(.up)))ms"
        }
        var rest = (seconds * 1000).rounded(.up) / 1000
        let hours = Int(rest / 3600)
        rest -= Double(hours * 3600)
        let minutes = Int(rest / 60)
        rest -= Double(minutes * 60)
        let secondsText = String(format3: rest)
        if hours > 0 { return "\(hours)h\(minutes)m\(secondsText)s" }
        if minutes > 0 { return "\(minutes)m\(secondsText)s" }
        return "\(secondsText)s"
    }
}

extension String {
    /// `value` with at most three decimals and no trailing zeros: 7.66, 1, 0.5.
    fileprivate init(format3 value: Double) {
        let thousandths = Int((value * 1000).rounded())
        let whole = thousandths / 1000
        var fraction = String(thousandths % 1000)
        guard fraction != "0" else {
            self = String(whole)
            return
        }
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        self = "\(whole).\(fraction)"
    }
}
