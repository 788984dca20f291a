import Foundation
import Testing

@testable import Jobs

@Suite struct JobStoreUsageTests {
    static let prices = PriceTable(
        version: "u1",
        source: "tests",
        asOf: "2025-06-01",
        prices: [
            "m": ModelPrice(input: 1_000_000, output: 2_000_000),
            "n": ModelPrice(input: 3_000_000, output: 0),
        ]
    )

    /// Runs one job of `model` on `provider` for `tenant` (optionally in a new one-job batch) and completes it at
    /// `at` with the given tokens.
    @discardableResult
    static func bill(
        _ store: JobStore,
        tenant: String,
        provider: String = "mock",
        model: String = "m",
        inBatch: Bool = false,
        prompt: Int,
        completion: Int,
        at: Date
    ) async throws -> (JobID, BatchID?) {
        let job = NewJob(
            customID: "c",
            provider: provider,
            model: model,
            endpoint: "/v1/chat/completions",
            body: Data("{}".utf8)
        )
        var batchID: BatchID?
        if inBatch {
            let batch = NewBatch(
                endpoint: "/v1/chat/completions",
                completionWindow: "24h",
                metadata: nil,
                expiresAt: at.addingTimeInterval(86_400),
                jobs: [job]
            )
            batchID = try await store.insertBatch(batch, tenant: tenant, idempotencyKey: nil, now: at).id
        } else {
            _ = try await store.insertJob(job, tenant: tenant, idempotencyKey: nil, now: at)
        }
        let claimed = try #require(try await store.claimOne(provider: provider, now: at))
        #expect(
            try await store.complete(
                claimed.lease,
                response: answer(prompt: prompt, completion: completion),
                now: at
            )
        )
        return (claimed.id, batchID)
    }

    // t0 is 2023-11-14T22:13:20Z.
    static let day2 = t0.addingTimeInterval(86_400)

    static func seed(_ store: JobStore) async throws -> BatchID? {
        try await bill(store, tenant: "a", prompt: 10, completion: 1, at: t0)  // m: 12
        try await bill(store, tenant: "a", provider: "other", model: "n", prompt: 5, completion: 9, at: day2)  // 15
        let (_, batch) = try await bill(store, tenant: "a", inBatch: true, prompt: 1, completion: 1, at: day2)  // 3
        try await bill(store, tenant: "b", prompt: 100, completion: 0, at: t0.addingTimeInterval(10))  // 100
        try await bill(store, tenant: "a", model: "unpriced", prompt: 7, completion: 7, at: day2)  // unknown
        return batch
    }

    @Test(.timeLimit(.minutes(1))) func usage_withoutGrouping_isOneTotalRow_evenWhenEmpty() async throws {
        try await withPricedStore(Self.prices) { store, _ in
            #expect(try await store.usage(UsageQuery()) == [UsageGroup()])
            _ = try await Self.seed(store)
            let total = try #require(try await store.usage(UsageQuery()).first)
            #expect(total.requests == 5)
            #expect(total.promptTokens == 123)
            #expect(total.completionTokens == 18)
            #expect(total.cost == CostSummary(knownCostMicros: 130, unknownCostRequests: 1))
        }
    }

    @Test(.timeLimit(.minutes(1))) func usage_groupedByModelAndDay_sumsEachGroup_inKeyOrder() async throws {
        try await withPricedStore(Self.prices) { store, _ in
            _ = try await Self.seed(store)
            let groups = try await store.usage(UsageQuery(tenant: "a", groupBy: [.model, .day]))
            #expect(
                groups.map { "\($0.model!) \($0.day!)" } == [
                    "m 2023-11-14", "m 2023-11-15", "n 2023-11-15", "unpriced 2023-11-15",
                ]
            )
            #expect(groups.map(\.requests) == [1, 1, 1, 1])
            #expect(groups.map(\.cost.costMicros) == [12, 3, 15, nil])
            #expect(groups.allSatisfy { $0.provider == nil && $0.tenant == nil && $0.batchID == nil })
        }
    }

    @Test(.timeLimit(.minutes(1))) func usage_groupedByTenantAndProvider_seesEveryTenant() async throws {
        try await withPricedStore(Self.prices) { store, _ in
            _ = try await Self.seed(store)
            let groups = try await store.usage(UsageQuery(groupBy: [.tenant, .provider]))
            #expect(groups.map { "\($0.tenant!)/\($0.provider!)" } == ["a/mock", "a/other", "b/mock"])
            #expect(groups.map(\.requests) == [3, 1, 1])
            #expect(groups.map(\.cost.knownCostMicros) == [15, 15, 100])
            #expect(groups.map(\.cost.unknownCostRequests) == [1, 0, 0])
        }
    }

    @Test(.timeLimit(.minutes(1))) func usage_groupedByBatch_givesNilForJobsOutsideBatches() async throws {
        try await withPricedStore(Self.prices) { store, _ in
            let batch = try #require(try await Self.seed(store))
            let groups = try await store.usage(UsageQuery(tenant: "a", groupBy: [.batch]))
            #expect(groups.map(\.batchID) == [nil, batch])
            #expect(groups.map(\.requests) == [3, 1])
        }
    }

    @Test(.timeLimit(.minutes(1))) func usage_timeRange_isStartInclusiveEndExclusive() async throws {
        try await withPricedStore(Self.prices) { store, _ in
            _ = try await Self.seed(store)
            let first = try await store.usage(UsageQuery(tenant: "a", start: t0, end: Self.day2))
            #expect(first.first?.requests == 1)
            let second = try await store.usage(UsageQuery(tenant: "a", start: Self.day2))
            #expect(second.first?.requests == 3)
            let none = try await store.usage(UsageQuery(tenant: "a", start: t0, end: t0))
            #expect(none.first?.requests == 0)
            let tenantB = try await store.usage(UsageQuery(tenant: "b", end: Self.day2))
            #expect(tenantB.first?.cost.costMicros == 100)
        }
    }
}
