import Foundation
import Testing

@testable import Jobs

@Suite struct QuotaAccountingTests {
    /// 2025-06-15T13:45:30Z.
    static let now = Date(timeIntervalSince1970: 1_749_995_130)
    static let usdPerDay = QuotaKey(.usd, per: .day)
    static let requestsPerMinute = QuotaKey(.requests, per: .minute)

    static func lease(_ n: Int64) -> JobLease { JobLease(jobID: JobID(n), token: n) }

    static func accounting(_ limits: [QuotaKey: Int64], usage: [QuotaWindow: QuotaAmount] = [:]) -> QuotaAccounting {
        var accounting = QuotaAccounting()
        accounting.load("acme", quotas: TenantQuotas(limits: limits, revision: 1), usage: usage, at: now)
        return accounting
    }

    @Test func admit_whenTheEstimateFits_reservesIt() {
        var accounting = Self.accounting([Self.usdPerDay: 100])
        let breach = accounting.admit(
            "acme",
            ticket: Self.lease(1),
            amount: QuotaAmount(requests: 1, micros: 60),
            now: Self.now
        )
        #expect(breach == nil)
        #expect(accounting.reserved("acme") == QuotaAmount(requests: 1, micros: 60))
    }

    @Test func admit_whenUsedPlusReservedPlusEstimateExceedsTheLimit_namesTheQuotaAndReservesNothing() {
        var accounting = Self.accounting([Self.usdPerDay: 100], usage: [.day: QuotaAmount(micros: 30)])
        #expect(accounting.admit("acme", ticket: Self.lease(1), amount: QuotaAmount(micros: 50), now: Self.now) == nil)
        let breach = accounting.admit("acme", ticket: Self.lease(2), amount: QuotaAmount(micros: 21), now: Self.now)
        #expect(breach?.key == Self.usdPerDay)
        #expect(breach?.used == 30)
        #expect(breach?.reserved == 50)
        #expect(breach?.requested == 21)
        #expect(breach.map { QuotaBreach.timestamp($0.resetsAt) } == "2025-06-16T00:00:00Z")
        #expect(accounting.reserved("acme") == QuotaAmount(micros: 50))
        // Exactly filling the limit is allowed.
        #expect(accounting.admit("acme", ticket: Self.lease(3), amount: QuotaAmount(micros: 20), now: Self.now) == nil)
    }

    @Test func settle_releasesTheReservationAndRecordsTheCharge() {
        var accounting = Self.accounting([Self.usdPerDay: 100])
        _ = accounting.admit(
            "acme",
            ticket: Self.lease(1),
            amount: QuotaAmount(requests: 1, tokens: 50, micros: 60),
            now: Self.now
        )
        accounting.settle(Self.lease(1), charged: QuotaAmount(requests: 1, tokens: 20, micros: 25), now: Self.now)
        #expect(accounting.reserved("acme") == .zero)
        let day = accounting.status("acme", now: Self.now).first { $0.key == Self.usdPerDay }
        #expect(day?.used == 25)
        #expect(day?.remaining == 75)
        // Settling twice changes nothing.
        accounting.settle(Self.lease(1), charged: QuotaAmount(micros: 25), now: Self.now)
        #expect(accounting.status("acme", now: Self.now).first { $0.key == Self.usdPerDay }?.used == 25)
    }

    @Test func manyAdmissions_neverLetUsedPlusReservedPassTheLimit_whenCallsCostAtMostTheirEstimate() {
        var accounting = Self.accounting([Self.usdPerDay: 1_000])
        var generator = SystemRandomNumberGenerator()
        var inFlight: [JobLease] = []
        var settledCharges: Int64 = 0
        for n in 1...5_000 {
            if !inFlight.isEmpty, Bool.random(using: &generator) {
                let ticket = inFlight.remove(at: Int.random(in: 0..<inFlight.count, using: &generator))
                let charge = Int64.random(in: 0...30, using: &generator)
                settledCharges += charge
                accounting.settle(ticket, charged: QuotaAmount(micros: charge), now: Self.now)
            }
            let ticket = Self.lease(Int64(n))
            if accounting.admit("acme", ticket: ticket, amount: QuotaAmount(micros: 30), now: Self.now) == nil {
                inFlight.append(ticket)
            }
            let status = accounting.status("acme", now: Self.now).first { $0.key == Self.usdPerDay }!
            #expect(status.used + status.reserved <= 1_000)
        }
        #expect(settledCharges <= 1_000)
    }

    @Test func windows_rollToZeroAtTheirReset_butReservationsStay() {
        var accounting = Self.accounting([Self.requestsPerMinute: 2])
        _ = accounting.admit("acme", ticket: Self.lease(1), amount: QuotaAmount(requests: 1), now: Self.now)
        accounting.settle(Self.lease(1), charged: QuotaAmount(requests: 1), now: Self.now)
        _ = accounting.admit("acme", ticket: Self.lease(2), amount: QuotaAmount(requests: 1), now: Self.now)
        #expect(accounting.admit("acme", ticket: Self.lease(3), amount: QuotaAmount(requests: 1), now: Self.now) != nil)
        let nextMinute = Self.now.addingTimeInterval(30)  // 13:46:00
        #expect(
            accounting.admit("acme", ticket: Self.lease(4), amount: QuotaAmount(requests: 1), now: nextMinute) == nil
        )
        // One call from the previous minute is still in flight, so the new minute has room for one more only.
        #expect(
            accounting.admit("acme", ticket: Self.lease(5), amount: QuotaAmount(requests: 1), now: nextMinute) != nil
        )
        let minute = accounting.status("acme", now: nextMinute).first { $0.key == Self.requestsPerMinute }
        #expect(minute?.used == 0)
        #expect(minute?.reserved == 2)
    }

    @Test func admit_whenSeveralQuotasAreFull_namesTheOneResettingLast() {
        var accounting = Self.accounting(
            [Self.requestsPerMinute: 1, QuotaKey(.tokens, per: .month): 10, Self.usdPerDay: 5],
            usage: [.minute: QuotaAmount(requests: 1), .month: QuotaAmount(tokens: 10), .day: QuotaAmount(micros: 5)]
        )
        let breach = accounting.admit(
            "acme",
            ticket: Self.lease(1),
            amount: QuotaAmount(requests: 1, tokens: 1, micros: 1),
            now: Self.now
        )
        #expect(breach?.key == QuotaKey(.tokens, per: .month))
    }

    @Test func submitBreach_whenTheWindowRecordedItsLimit_isOver() {
        var accounting = Self.accounting([Self.usdPerDay: 100], usage: [.day: QuotaAmount(micros: 100)])
        let breach = accounting.submitBreach("acme", now: Self.now)
        #expect(breach?.key == Self.usdPerDay)
        #expect(breach?.message.contains("usd_per_day") == true)
        #expect(breach?.message.contains("$0.000100 of $0.000100 used") == true)
        #expect(breach?.message.contains("2025-06-16T00:00:00Z") == true)
    }

    @Test func submitBreach_whenLessIsLeftThanTheLastCallAskedFor_isOver() {
        var accounting = Self.accounting([Self.usdPerDay: 100], usage: [.day: QuotaAmount(micros: 90)])
        #expect(accounting.submitBreach("acme", now: Self.now) == nil)
        #expect(accounting.admit("acme", ticket: Self.lease(1), amount: QuotaAmount(micros: 20), now: Self.now) != nil)
        let breach = accounting.submitBreach("acme", now: Self.now)
        #expect(breach?.message.contains("too little is left for a call like the last one") == true)
        #expect(accounting.admit("acme", ticket: Self.lease(2), amount: QuotaAmount(micros: 5), now: Self.now) == nil)
        #expect(accounting.submitBreach("acme", now: Self.now) == nil)
    }

    @Test func submitBreach_ignoresCallsInFlight() {
        var accounting = Self.accounting([Self.usdPerDay: 100])
        _ = accounting.admit("acme", ticket: Self.lease(1), amount: QuotaAmount(micros: 100), now: Self.now)
        #expect(accounting.submitBreach("acme", now: Self.now) == nil)
    }

    @Test func setQuotas_keepsANewerRevision() {
        var accounting = Self.accounting([Self.usdPerDay: 10])
        _ = accounting.admit("acme", ticket: Self.lease(1), amount: QuotaAmount(micros: 20), now: Self.now)
        #expect(accounting.submitBreach("acme", now: Self.now) != nil)
        accounting.setQuotas("acme", TenantQuotas(limits: [Self.usdPerDay: 50], revision: 3))
        #expect(accounting.submitBreach("acme", now: Self.now) == nil)
        accounting.setQuotas("acme", TenantQuotas(limits: [Self.usdPerDay: 1], revision: 2))
        #expect(accounting.quotas("acme")?[Self.usdPerDay] == 50)
    }

    @Test func load_whenUsageIsTrackedAlready_keepsWhatThisProcessCounted() {
        var accounting = Self.accounting([:])
        _ = accounting.admit("acme", ticket: Self.lease(1), amount: QuotaAmount(micros: 5), now: Self.now)
        accounting.settle(Self.lease(1), charged: QuotaAmount(micros: 5), now: Self.now)
        accounting.load("acme", quotas: TenantQuotas(), usage: [.day: QuotaAmount(micros: 1)], at: Self.now)
        #expect(accounting.status("acme", now: Self.now).first { $0.key == Self.usdPerDay }?.used == 5)
    }

    @Test func tenantsWithoutLimits_areAlwaysAdmitted() {
        var accounting = QuotaAccounting()
        for n in 1...100 {
            #expect(
                accounting.admit(
                    "free",
                    ticket: Self.lease(Int64(n)),
                    amount: QuotaAmount(requests: 1, micros: 1_000_000),
                    now: Self.now
                ) == nil
            )
        }
        #expect(accounting.reservationCount == 100)
    }
}
