package import struct Foundation.Date

/// Reads how long a provider asked us to wait before the next call.
///
/// Order, as the OpenAI and Anthropic SDKs read them: `retry-after-ms` (milliseconds, may be fractional), then
/// `retry-after` as delay-seconds (RFC 9110 §10.2.3; decimals accepted, as some providers send `1.5`) or as an
/// HTTP-date in the IMF-fixdate form every sender must generate (`Sun, 06 Nov 1994 08:49:37 GMT`).
/// A date in the past means "now" (zero). Anything unreadable is ignored.
package enum RetryAfter {
    /// The longest wait we believe (one day); larger values are clamped to it.
    package static let maximum: Duration = .seconds(86_400)

    /// The wait the headers ask for, if any.
    /// - Parameters:
    ///   - headers: response header fields (names compared case-insensitively).
    ///   - now: the current time, to turn an HTTP-date into a delay.
    package static func parse(headers: [(name: String, value: String)], now: Date) -> Duration? {
        func value(_ name: StaticString) -> String? {
            headers.first { $0.name.equalsIgnoringASCIICase(name) }?.value.trimmingWhitespace()
        }
        if let milliseconds = value("retry-after-ms").flatMap(Double.init), milliseconds.isFinite, milliseconds >= 0 {
            return clamp(seconds: milliseconds / 1000)
        }
        guard let retryAfter = value("retry-after") else { return nil }
        if let seconds = Double(retryAfter) {
            guard seconds.isFinite, seconds >= 0 else { return nil }
            return clamp(seconds: seconds)
        }
        guard let date = parseHTTPDate(retryAfter) else { return nil }
        return clamp(seconds: max(0, date.timeIntervalSince(now)))
    }

    private static func clamp(seconds: Double) -> Duration {
        guard seconds < maximum.timeInterval else { return maximum }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); nil for any other form.
    package static func parseHTTPDate(_ text: String) -> Date? {
        // "Sun," "06" "Nov" "1994" "08:49:37" "GMT"
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" else { return nil }
        guard let day = Int(parts[1]), (1...31).contains(day),
            let monthIndex = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3]), parts[3].count == 4
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = daysFromCivil(year: year, month: monthIndex + 1, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension String {
    /// Whether the string equals `lowercaseASCII` ignoring ASCII case, without allocating (header names).
    func equalsIgnoringASCIICase(_ lowercaseASCII: StaticString) -> Bool {
        let other = UnsafeBufferPointer(start: lowercaseASCII.utf8Start, count: lowercaseASCII.utf8CodeUnitCount)
        var index = 0
        for byte in utf8 {
            guard index < other.count, byte | (byte &- 65 < 26 ? 0x20 : 0) == other[index] else { return false }
            index += 1
        }
        return index == other.count
    }

    /// Whether the string contains `lowercaseASCII` ignoring ASCII case, without allocating (header names).
    func containsIgnoringASCIICase(_ lowercaseASCII: StaticString) -> Bool {
        let needle = UnsafeBufferPointer(start: lowercaseASCII.utf8Start, count: lowercaseASCII.utf8CodeUnitCount)
        guard !needle.isEmpty else { return true }
        var string = self
        return string.withUTF8 { bytes in
            guard bytes.count >= needle.count else { return false }
            for start in 0...(bytes.count - needle.count) {
                var matched = true
                for offset in 0..<needle.count {
                    let byte = bytes[start + offset]
                    if byte | (byte &- 65 < 26 ? 0x20 : 0) != needle[offset] {
                        matched = false
                        break
                    }
                }
                if matched { return true }
            }
            return false
        }
    }

    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
