import Foundation
import Testing

@testable import Jobs

@Suite struct JobStoreFairClaimTests {
    private func insert(
        _ count: Int,
        tenant: String,
        priority: Int = 0,
        runAt: Date? = nil,
        into store: JobStore
    )
        async throws -> [JobID]
    {
        var ids: [JobID] = []
        for index in 0..<count {
            let job = try await store.insertJob(
                newJob(priority: priority, customID: "\(tenant)-\(index)", runAt: runAt),
                tenant: tenant,
                idempotencyKey: nil,
                now: t0
            )
            ids.append(job.id)
        }
        return ids
    }

    private func claim(_ limit: Int, from store: JobStore) async throws -> [ClaimedJob] {
        try await store.claim(provider: "mock", limit: limit, leaseDuration: .seconds(600), now: t0)
    }

    @Test(.timeLimit(.minutes(1))) func claim_whenATenantQueuedAHugeBatch_anotherTenantsSinglesAreClaimedNext()
        async throws
    {
        try await withStore { store, _ in
            var batch = newBatch(10_000)
            batch.jobs = (0..<10_000).map { newJob(customID: "a-\($0)") }
            _ = try await store.insertBatch(batch, tenant: "a", idempotencyKey: nil, now: t0)
            // A lane is busy with tenant a's batch…
            for _ in 0..<3 { #expect(try await claim(32, from: store).allSatisfy { $0.tenant == "a" }) }
            // …when tenant b submits three single jobs.
            let singles = try await insert(3, tenant: "b", into: store)
            // The next claims, however small, reach b's singles before any more than an equal share of a's.
            let next = try await claim(4, from: store)
            #expect(next.filter { $0.tenant == "b" }.map(\.id) == Array(singles.prefix(2)))
            #expect(next.map(\.tenant) == ["b", "a", "b", "a"])
            let after = try await claim(1, from: store)
            #expect(after.map(\.id) == [singles[2]])
        }
    }

    @Test(.timeLimit(.minutes(1))) func claim_withRoomForOneJob_alternatesBetweenTenants() async throws {
        try await withStore { store, _ in
            _ = try await insert(5, tenant: "a", into: store)
            _ = try await insert(5, tenant: "b", into: store)
            var tenants: [String] = []
            for _ in 0..<6 { tenants += try await claim(1, from: store).map(\.tenant) }
            #expect(tenants == ["a", "b", "a", "b", "a", "b"])
        }
    }

    @Test(.timeLimit(.minutes(1))) func claim_sharesEquallyWhileTenantsHaveWork_andGivesTheRestToWhoeverHasMore()
        async throws
    {
        try await withStore { store, _ in
            _ = try await insert(100, tenant: "a", into: store)
            _ = try await insert(100, tenant: "b", into: store)
            _ = try await insert(2, tenant: "c", into: store)
            let claimed = try await claim(30, from: store)
            #expect(claimed.count == 30)
            let counts = Dictionary(grouping: claimed, by: \.tenant).mapValues(\.count)
            #expect(counts == ["a": 14, "b": 14, "c": 2])
        }
    }

    @Test(.timeLimit(.minutes(1))) func claim_withinATenant_ordersByPriorityThenFIFO() async throws {
        try await withStore { store, _ in
            let low = try await insert(2, tenant: "a", priority: 0, into: store)
            let high = try await insert(2, tenant: "a", priority: 5, into: store)
            let other = try await insert(3, tenant: "b", priority: 9, into: store)
            let claimed = try await claim(5, from: store)
            #expect(claimed.filter { $0.tenant == "a" }.map(\.id) == high + [low[0]])
            #expect(claimed.filter { $0.tenant == "b" }.map(\.id) == Array(other.prefix(2)))
        }
    }

    @Test(.timeLimit(.minutes(1))) func claim_whenATenantHasOnlyFutureJobs_givesItsShareToTheOthers() async throws {
        try await withStore { store, _ in
            _ = try await insert(3, tenant: "later", runAt: t0.addingTimeInterval(60), into: store)
            _ = try await insert(20, tenant: "now", into: store)
            let claimed = try await claim(10, from: store)
            #expect(claimed.count == 10)
            #expect(claimed.allSatisfy { $0.tenant == "now" })
        }
    }

    @Test(.timeLimit(.minutes(1))) func claim_withMoreTenantsThanRoom_rotatesThroughEveryTenant() async throws {
        try await withStore { store, _ in
            for tenant in ["t1", "t2", "t3", "t4", "t5"] { _ = try await insert(2, tenant: tenant, into: store) }
            var seen: [String] = []
            for _ in 0..<5 { seen += try await claim(2, from: store).map(\.tenant) }
            #expect(seen == ["t1", "t2", "t3", "t4", "t5", "t1", "t2", "t3", "t4", "t5"])
            #expect(try await claim(2, from: store).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1))) func claim_neverTakesAnotherProvidersOrARunningJob() async throws {
        try await withStore { store, _ in
            _ = try await store.insertJob(newJob(provider: "other"), tenant: "a", idempotencyKey: nil, now: t0)
            let mine = try await insert(2, tenant: "a", into: store)
            let first = try await claim(10, from: store)
            #expect(first.map(\.id) == mine)
            #expect(first.allSatisfy { $0.attempt == 1 && $0.provider == "mock" })
            #expect(try await claim(10, from: store).isEmpty)
        }
    }
}
