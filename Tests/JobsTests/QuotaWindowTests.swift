import Foundation
import Testing

@testable import Jobs

@Suite struct QuotaWindowTests {
    /// 2025-06-15T13:45:30Z.
    static let midJune = Date(timeIntervalSince1970: 1_749_995_130)

    static func utc(_ text: String) -> String { text }

    @Test func interval_minute_isTheCalendarMinuteInUTC() {
        let (start, end) = QuotaWindow.minute.interval(containing: Self.midJune)
        #expect(QuotaBreach.timestamp(start) == "2025-06-15T13:45:00Z")
        #expect(QuotaBreach.timestamp(end) == "2025-06-15T13:46:00Z")
    }

    @Test func interval_day_runsMidnightToMidnightUTC() {
        let (start, end) = QuotaWindow.day.interval(containing: Self.midJune)
        #expect(QuotaBreach.timestamp(start) == "2025-06-15T00:00:00Z")
        #expect(QuotaBreach.timestamp(end) == "2025-06-16T00:00:00Z")
    }

    @Test func interval_month_runsFromTheFirstToTheFirstOfTheNextMonth() {
        let (start, end) = QuotaWindow.month.interval(containing: Self.midJune)
        #expect(QuotaBreach.timestamp(start) == "2025-06-01T00:00:00Z")
        #expect(QuotaBreach.timestamp(end) == "2025-07-01T00:00:00Z")
    }

    @Test func interval_month_inDecember_resetsOnTheFirstOfJanuary() {
        let newYearsEve = Date(timeIntervalSince1970: 1_767_225_599)  // 2025-12-31T23:59:59Z
        let (start, end) = QuotaWindow.month.interval(containing: newYearsEve)
        #expect(QuotaBreach.timestamp(start) == "2025-12-01T00:00:00Z")
        #expect(QuotaBreach.timestamp(end) == "2026-01-01T00:00:00Z")
    }

    @Test func interval_month_inALeapFebruary_has29Days() {
        let leapDay = Date(timeIntervalSince1970: 1_709_164_800)  // 2024-02-29T00:00:00Z
        let (start, end) = QuotaWindow.month.interval(containing: leapDay)
        #expect(QuotaBreach.timestamp(start) == "2024-02-01T00:00:00Z")
        #expect(end.timeIntervalSince(start) == 29 * 86_400)
    }

    @Test func interval_atTheFirstInstant_belongsToTheNewWindow() {
        let midnight = Date(timeIntervalSince1970: 1_750_032_000)  // 2025-06-16T00:00:00Z
        #expect(QuotaWindow.day.interval(containing: midnight).start == midnight)
        #expect(QuotaWindow.minute.interval(containing: midnight.addingTimeInterval(-0.001)).end == midnight)
    }

    @Test func civilDays_roundTripOverFourCenturies() {
        for days in stride(from: Int64(-146_097), through: 146_097 * 2, by: 37) {
            let (year, month, day) = QuotaWindow.civil(fromDays: days)
            #expect(QuotaWindow.days(fromCivil: year, month, day) == days)
        }
        #expect(QuotaWindow.days(fromCivil: 1970, 1, 1) == 0)
        #expect(QuotaWindow.days(fromCivil: 2000, 3, 1) == 11_017)
    }

    @Test func quotaKey_namesRoundTripAndFollowTheAPIOrder() {
        #expect(QuotaKey.all.count == 9)
        #expect(QuotaKey.all.first?.name == "requests_per_minute")
        #expect(QuotaKey.all.last?.name == "usd_per_month")
        for key in QuotaKey.all { #expect(QuotaKey(name: key.name) == key) }
        #expect(QuotaKey(name: "usd_per_week") == nil)
        #expect(QuotaKey(.usd, per: .day).column == "usd_micros_per_day")
    }
}
