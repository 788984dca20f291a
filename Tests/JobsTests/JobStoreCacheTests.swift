import Foundation
import Testing

@testable import Jobs

@Suite struct JobStoreCacheTests {
    func entry(_ byte: UInt8, tenant: String = "acme", expiresAt: Date = t0.addingTimeInterval(60)) -> CacheEntry {
        CacheEntry(
            key: Data(repeating: byte, count: 32),
            tenant: tenant,
            provider: "mock",
            model: "m",
            response: okResponse(prompt: 11, completion: 4),
            createdAt: t0,
            expiresAt: expiresAt
        )
    }

    @Test(.timeLimit(.minutes(1))) func cachedResponse_returnsWhatWasStored() async throws {
        try await withStore { store, _ in
            let stored = entry(1)
            try await store.storeCachedResponse(stored)
            let read = try #require(try await store.cachedResponse(key: stored.key, now: t0))
            #expect(read == stored)
            #expect(read.response.usage == TokenUsage(promptTokens: 11, completionTokens: 4))
            #expect(try await store.cachedResponse(key: Data(repeating: 2, count: 32), now: t0) == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func cachedResponse_whenExpired_isNotServed_andPruneDeletesIt() async throws {
        try await withStore { store, _ in
            try await store.storeCachedResponse(entry(1, expiresAt: t0.addingTimeInterval(10)))
            try await store.storeCachedResponse(entry(2, expiresAt: t0.addingTimeInterval(100)))
            #expect(
                try await store.cachedResponse(key: Data(repeating: 1, count: 32), now: t0.addingTimeInterval(9)) != nil
            )
            #expect(
                try await store.cachedResponse(key: Data(repeating: 1, count: 32), now: t0.addingTimeInterval(10))
                    == nil
            )
            #expect(try await store.pruneExpiredCache(now: t0.addingTimeInterval(50)) == 1)
            #expect(
                try await store.cachedResponse(key: Data(repeating: 2, count: 32), now: t0.addingTimeInterval(50))
                    != nil
            )
        }
    }

    @Test(.timeLimit(.minutes(1))) func storeCachedResponse_replacesTheEntry_andHitsAreCounted() async throws {
        try await withStore { store, _ in
            let first = entry(1)
            try await store.storeCachedResponse(first)
            try await store.recordCacheHit(key: first.key)
            try await store.recordCacheHit(key: first.key)
            #expect(try await store.cachedResponse(key: first.key, now: t0)?.hits == 2)
            var second = entry(1)
            second.response.body = Data(#"{"fresh":true}"#.utf8)
            try await store.storeCachedResponse(second)
            let read = try await store.cachedResponse(key: first.key, now: t0)
            #expect(read?.response.body == second.response.body)
            #expect(read?.hits == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func insertAndClaim_carryTheJobsCacheControl() async throws {
        try await withStore { store, _ in
            var job = newJob()
            job.cache = .refresh
            _ = try await store.insertJob(job, tenant: "acme", idempotencyKey: nil, now: t0)
            _ = try await store.insertJob(newJob(), tenant: "acme", idempotencyKey: nil, now: t0)
            let claimed = try await store.claim(provider: "mock", limit: 10, leaseDuration: .seconds(30), now: t0)
            #expect(claimed.map(\.cache).sorted { $0.rawValue < $1.rawValue } == [.auto, .refresh])
        }
    }

    @Test(.timeLimit(.minutes(1))) func complete_asACacheHit_costsNothing_andRecordsTheSaving() async throws {
        try await withStore { store, _ in
            var priced = newJob()
            priced.model = "mock-chat"
            _ = try await store.insertJob(priced, tenant: "acme", idempotencyKey: nil, now: t0)
            let job = try #require(
                try await store.claim(provider: "mock", limit: 1, leaseDuration: .seconds(30), now: t0).first
            )
            #expect(try await store.complete(job.lease, response: okResponse(), billing: .cacheHit, now: t0))
            let entries = try await store.ledgerEntries(job: job.id)
            #expect(entries.count == 1)
            #expect(entries.first?.cacheHit == true)
            #expect(entries.first?.costMicros == 0)
            let stored = try #require(try await store.job(job.id, tenant: "acme"))
            #expect(stored.cost.knownCostMicros == 0)
            let saved = try #require(entries.first?.savedMicros)
            #expect(saved > 0)
            #expect(stored.cost.savedMicros == saved)
        }
    }
}
