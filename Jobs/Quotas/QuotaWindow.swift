package import struct Foundation.Date

/// The period a quota counts over: a calendar minute, day or month in UTC.
///
/// Windows are fixed calendar periods, not rolling ones: `day` is midnight to midnight UTC, `month` the first of
/// the month 00:00 UTC to the first of the next. Everything recorded inside a window counts against it, and the
/// whole allowance comes back at once when the next window starts (its *reset*), which is the time an over-quota
/// answer names. Computed on whole Unix seconds (UTC has no leap seconds in Unix time), without `Calendar`.
///
/// ```swift
/// let (start, end) = QuotaWindow.month.interval(containing: now)   // end is when the month's quota resets
/// ```
package enum QuotaWindow: String, Sendable, Hashable, CaseIterable {
    case minute
    case day
    case month

    /// The window containing `date`: `start` (inclusive) to `end` (exclusive, the reset).
    package func interval(containing date: Date) -> (start: Date, end: Date) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (start, end) = interval(containingUnixSeconds: seconds)
        return (Date(timeIntervalSince1970: Double(start)), Date(timeIntervalSince1970: Double(end)))
    }

    /// The window containing Unix second `seconds`, as Unix seconds.
    package func interval(containingUnixSeconds seconds: Int64) -> (start: Int64, end: Int64) {
        switch self {
        case .minute:
            let start = Self.floorDivide(seconds, 60) * 60
            return (start, start + 60)
        case .day:
            let start = Self.floorDivide(seconds, 86_400) * 86_400
            return (start, start + 86_400)
        case .month:
            let (year, month, _) = Self.civil(fromDays: Self.floorDivide(seconds, 86_400))
            let next = month == 12 ? (year + 1, Int64(1)) : (year, month + 1)
            return (
                Self.days(fromCivil: year, month, 1) * 86_400,
                Self.days(fromCivil: next.0, next.1, 1) * 86_400
            )
        }
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`,
    /// https://howardhinnant.github.io/date_algorithms.html#days_from_civil).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
