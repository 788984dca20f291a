import Foundation
import Testing

@testable import Jobs

@Suite struct JobStoreQuotaTests {
    static let usdPerMonth = QuotaKey(.usd, per: .month)
    static let requestsPerMinute = QuotaKey(.requests, per: .minute)

    @Test(.timeLimit(.minutes(1))) func updateQuotas_persistsAcrossReopening_andNullRemovesOne() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sluice.sqlite").path
        do {
            let store = try openStore(at: path)
            defer { store.close() }
            try await store.createTenant("acme")
            let first = try await store.updateQuotas(
                tenant: "acme",
                changes: [Self.usdPerMonth: 12_500_000, Self.requestsPerMinute: 600]
            )
            #expect(first?.revision == 1)
            let second = try await store.updateQuotas(tenant: "acme", changes: [Self.requestsPerMinute: nil])
            #expect(second?.revision == 2)
            #expect(second?.limits == [Self.usdPerMonth: 12_500_000])
        }
        let store = try openStore(at: path)
        defer { store.close() }
        let quotas = try await store.quotas(tenant: "acme")
        #expect(quotas.limits == [Self.usdPerMonth: 12_500_000])
        #expect(quotas.revision == 2)
        #expect(try await store.quotas(tenant: "other") == TenantQuotas())
    }

    @Test(.timeLimit(.minutes(1))) func updateQuotas_forAnUnknownTenant_returnsNilAndStoresNothing() async throws {
        try await withStore { store, _ in
            let updated = try await store.updateQuotas(tenant: "ghost", changes: [Self.usdPerMonth: 1])
            #expect(updated == nil)
            let stored = try await store.quotas(tenant: "ghost")
            #expect(stored == TenantQuotas())
        }
    }

    @Test(.timeLimit(.minutes(1))) func quotaUsage_sumsBilledCallsPerWindow_withoutOtherTenantsOrOlderRows()
        async throws
    {
        try await withStore { store, _ in
            let now = Date(timeIntervalSince1970: 1_749_995_130)  // 2025-06-15T13:45:30Z
            let model = "mock-chat"  // builtin: $0.50 / 1M input, $1.50 / 1M output
            try await JobStoreUsageTests.bill(store, tenant: "acme", model: model, prompt: 100, completion: 10, at: now)
            try await JobStoreUsageTests.bill(
                store,
                tenant: "acme",
                model: model,
                prompt: 200,
                completion: 20,
                at: now.addingTimeInterval(-3_600)
            )
            try await JobStoreUsageTests.bill(
                store,
                tenant: "acme",
                model: model,
                prompt: 400,
                completion: 0,
                at: now.addingTimeInterval(-20 * 86_400)
            )
            try await JobStoreUsageTests.bill(store, tenant: "other", model: model, prompt: 800, completion: 0, at: now)
            let usage = try await store.quotaUsage(tenant: "acme", now: now)
            #expect(usage[.minute] == QuotaAmount(requests: 1, tokens: 110, micros: 65))  // 50 + 15
            #expect(usage[.day] == QuotaAmount(requests: 2, tokens: 330, micros: 195))  // + 100 + 30
            #expect(usage[.month] == QuotaAmount(requests: 2, tokens: 330, micros: 195))  // May 26 is last month
        }
    }

    @Test(.timeLimit(.minutes(1))) func updateQuotas_makesTheTenantsQuotaDeferredJobsRunnableNow() async throws {
        try await withStore { store, _ in
            try await store.createTenant("acme", now: t0)
            _ = try await store.insertJob(newJob(), tenant: "acme", idempotencyKey: nil, now: t0)
            _ = try await store.insertJob(newJob(), tenant: "acme", idempotencyKey: nil, now: t0)
            let claimed = try await store.claim(provider: "mock", limit: 2, leaseDuration: .seconds(60), now: t0)
            let later = t0.addingTimeInterval(3_600)
            _ = try await store.retry(
                claimed[0].lease,
                at: later,
                failure: JobFailure(code: "quota_exceeded", message: "full"),
                countsAttempt: false,
                now: t0
            )
            _ = try await store.retry(
                claimed[1].lease,
                at: later,
                failure: JobFailure(code: "rate_limited", message: "slow"),
                countsAttempt: false,
                now: t0
            )
            #expect(try await store.claimOne(now: t0.addingTimeInterval(1)) == nil)
            _ = try await store.updateQuotas(
                tenant: "acme",
                changes: [Self.usdPerMonth: 1],
                now: t0.addingTimeInterval(1)
            )
            let woken = try await store.claim(
                provider: "mock",
                limit: 2,
                leaseDuration: .seconds(60),
                now: t0.addingTimeInterval(2)
            )
            #expect(woken.map(\.id) == [claimed[0].id])
        }
    }

    @Test(.timeLimit(.minutes(1))) func accountant_loadsTheLedgerOnce_thenCountsSettlements() async throws {
        try await withStore { store, _ in
            let now = Date()
            try await store.createTenant("acme")
            try await JobStoreUsageTests.bill(
                store,
                tenant: "acme",
                model: "mock-chat",
                prompt: 100,
                completion: 10,
                at: now
            )
            let accountant = QuotaAccountant(store: store)
            _ = try await accountant.update(tenant: "acme", changes: [QuotaKey(.usd, per: .day): 100])
            let lease = JobLease(jobID: JobID(99), token: 1)
            #expect(
                try await accountant.admit(tenant: "acme", ticket: lease, amount: QuotaAmount(micros: 35), now: now)
                    == nil
            )
            let breach = try await accountant.admit(
                tenant: "acme",
                ticket: JobLease(jobID: JobID(100), token: 1),
                amount: QuotaAmount(micros: 1),
                now: now
            )
            #expect(breach?.used == 65)
            #expect(breach?.reserved == 35)
            accountant.settle(lease, charged: QuotaAmount(requests: 1, micros: 30), now: now)
            let day = try await accountant.status(tenant: "acme", now: now).first {
                $0.key == QuotaKey(.usd, per: .day)
            }
            #expect(day?.used == 95)
            #expect(day?.reserved == 0)
            #expect(day?.limit == 100)
        }
    }
}
