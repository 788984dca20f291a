import Foundation
import Logging
import Testing

@testable import Jobs

/// Prices for the ledger tests: model `m` (the test jobs' model) at $0.50 / $0.25 cached / $1.50 per 1M.
let ledgerTestPrices = PriceTable(
    version: "test-1",
    source: "tests",
    asOf: "2025-06-01",
    prices: ["m": ModelPrice(input: 500_000, cachedInput: 250_000, output: 1_500_000)]
)

/// Runs `body` with a store on a new database file, pricing with `prices`.
func withPricedStore<T>(
    _ prices: PriceTable = ledgerTestPrices,
    _ body: (JobStore, String) async throws -> T
) async throws -> T {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("sluice.sqlite").path
    let store = try JobStore(
        configuration: .init(path: path, synchronous: .normal, prices: prices),
        logger: Logger(label: "jobs-tests")
    )
    defer { store.close() }
    return try await body(store, path)
}

func answer(status: Int = 200, prompt: Int, completion: Int, cached: Int = 0) -> JobResponse {
    JobResponse(
        statusCode: status,
        requestID: "req",
        body: Data(#"{"ok":true}"#.utf8),
        usage: TokenUsage(promptTokens: prompt, completionTokens: completion, cachedTokens: cached)
    )
}

@Suite struct JobStoreLedgerTests {
    @Test(.timeLimit(.minutes(1))) func complete_writesOneLedgerRow_pricedFromTheTable() async throws {
        try await withPricedStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            let done = t0.addingTimeInterval(3)
            #expect(try await store.complete(claimed.lease, response: answer(prompt: 37, completion: 10), now: done))

            let entries = try await store.ledgerEntries(job: job.id)
            let entry = try #require(entries.first)
            #expect(entries.count == 1)
            #expect(entry.tenant == "a")
            #expect(entry.batchID == nil)
            #expect(entry.provider == "mock")
            #expect(entry.model == "m")
            #expect(entry.attempt == 1)
            #expect(entry.statusCode == 200)
            #expect(entry.usage == TokenUsage(promptTokens: 37, completionTokens: 10))
            #expect(entry.usageReported)
            #expect(entry.tier == .standard)
            #expect(entry.costMicros == 34)  // 18.5 + 15 = 33.5 → 34
            #expect(entry.priceVersion == "test-1")
            #expect(!entry.cacheHit)
            #expect(entry.savedMicros == 0)
            #expect(entry.createdAt == done)

            let stored = try #require(try await store.job(job.id, tenant: "a"))
            #expect(stored.cost == CostSummary(knownCostMicros: 34))
            #expect(stored.cost.costMicros == 34)
        }
    }

    @Test(.timeLimit(.minutes(1))) func complete_withStaleLease_writesNoLedgerRow() async throws {
        try await withPricedStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let first = try #require(try await store.claimOne(now: t0, lease: .seconds(10)))
            _ = try await store.rescueExpiredLeases(now: t0.addingTimeInterval(11))
            let second = try #require(try await store.claimOne(now: t0.addingTimeInterval(12)))

            #expect(try await store.complete(first.lease, response: answer(prompt: 5, completion: 5)) == false)
            #expect(
                try await store.fail(
                    first.lease,
                    response: answer(status: 500, prompt: 5, completion: 0),
                    failure: .init(code: "x", message: "y")
                ) == false
            )
            #expect(
                try await store.retry(
                    first.lease,
                    at: t0,
                    failure: nil,
                    countsAttempt: true,
                    response: answer(status: 500, prompt: 5, completion: 0)
                ) == false
            )
            #expect(try await store.ledgerEntries(job: job.id).isEmpty)
            #expect(try await store.job(job.id, tenant: "a")?.cost == CostSummary())

            #expect(try await store.complete(second.lease, response: answer(prompt: 2, completion: 0)))
            let entries = try await store.ledgerEntries(job: job.id)
            #expect(entries.map(\.attempt) == [2])
            #expect(entries.map(\.costMicros) == [1])
        }
    }

    @Test(.timeLimit(.minutes(1))) func complete_withAnUnknownPrice_recordsNullCost_andCountsIt() async throws {
        let empty = PriceTable(version: "empty-1", source: "tests", asOf: "2025-06-01", prices: [:])
        try await withPricedStore(empty) { store, _ in
            let batch = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(try await store.complete(claimed.lease, response: answer(prompt: 10, completion: 2)))

            let entry = try #require(try await store.ledgerEntries(job: claimed.id).first)
            #expect(entry.costMicros == nil)
            #expect(entry.usage == TokenUsage(promptTokens: 10, completionTokens: 2))
            #expect(entry.priceVersion == "empty-1")

            let job = try #require(try await store.job(claimed.id, tenant: "a"))
            #expect(job.cost == CostSummary(knownCostMicros: 0, unknownCostRequests: 1))
            #expect(job.cost.costMicros == nil)  // unknown, never zero
            let stored = try #require(try await store.batch(batch.id, tenant: "a"))
            #expect(stored.cost.unknownCostRequests == 1)
            #expect(stored.cost.costMicros == nil)

            let total = try #require(try await store.usage(UsageQuery(tenant: "a")).first)
            #expect(total.requests == 1)
            #expect(total.cost.unknownCostRequests == 1)
            #expect(total.cost.costMicros == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func complete_withoutUsage_isBilledWithAnUnknownCost() async throws {
        try await withPricedStore { store, _ in
            _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            let bare = JobResponse(statusCode: 200, requestID: nil, body: Data("{}".utf8), usage: nil)
            #expect(try await store.complete(claimed.lease, response: bare))
            let entry = try #require(try await store.ledgerEntries(job: claimed.id).first)
            #expect(!entry.usageReported)
            #expect(entry.costMicros == nil)
            #expect(try await store.job(claimed.id, tenant: "a")?.cost.unknownCostRequests == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func fail_billsOnlyAnAnswerThatReportedUsage() async throws {
        try await withPricedStore { store, _ in
            _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claims = try await store.claim(provider: "mock", limit: 2, leaseDuration: .seconds(60), now: t0)
            let failure = JobFailure(code: "bad", message: "no")
            let refused = JobResponse(statusCode: 400, requestID: nil, body: Data("{}".utf8), usage: nil)
            #expect(try await store.fail(claims[0].lease, response: refused, failure: failure))
            #expect(
                try await store.fail(
                    claims[1].lease,
                    response: answer(status: 400, prompt: 4, completion: 0),
                    failure: failure
                )
            )
            #expect(try await store.ledgerEntries(job: claims[0].id).isEmpty)
            let billed = try await store.ledgerEntries(job: claims[1].id)
            #expect(billed.map(\.statusCode) == [400])
            #expect(billed.map(\.costMicros) == [2])
        }
    }

    @Test(.timeLimit(.minutes(1))) func retry_withABilledAnswer_writesItsRow_andTheJobSumsEveryAttempt() async throws {
        try await withPricedStore { store, _ in
            let batch = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil, now: t0)
            let first = try #require(try await store.claimOne())
            let failure = JobFailure(code: "server_error", message: "500")
            #expect(
                try await store.retry(
                    first.lease,
                    at: t0,
                    failure: failure,
                    countsAttempt: true,
                    response: answer(status: 500, prompt: 10, completion: 1)
                )
            )
            let second = try #require(try await store.claimOne())
            #expect(try await store.complete(second.lease, response: answer(prompt: 10, completion: 3)))

            let entries = try await store.ledgerEntries(job: first.id)
            #expect(entries.map(\.attempt) == [1, 2])
            #expect(entries.map(\.costMicros) == [7, 10])  // 5 + 1.5 = 6.5 → 7; 5 + 4.5 = 9.5 → 10
            #expect(try await store.job(first.id, tenant: "a")?.cost == CostSummary(knownCostMicros: 17))
            let stored = try #require(try await store.batch(batch.id, tenant: "a"))
            #expect(stored.cost == CostSummary(knownCostMicros: 17))
            #expect(try await store.ledgerEntries(batch: batch.id).count == 2)
        }
    }

    @Test(.timeLimit(.minutes(1))) func retry_withoutAnAnswer_writesNoRow() async throws {
        try await withPricedStore { store, _ in
            _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(try await store.retry(claimed.lease, at: t0, failure: nil, countsAttempt: false))
            #expect(try await store.ledgerEntries(job: claimed.id).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1))) func retry_onTheLastAttempt_billsTheAnswerOnce_andFails() async throws {
        try await withPricedStore { store, _ in
            _ = try await store.insertJob(newJob(maxAttempts: 1), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(
                try await store.retry(
                    claimed.lease,
                    at: t0,
                    failure: .init(code: "e", message: "m"),
                    countsAttempt: true,
                    response: answer(status: 503, prompt: 2, completion: 0)
                )
            )
            #expect(try await store.job(claimed.id, tenant: "a")?.state == .failed)
            #expect(try await store.ledgerEntries(job: claimed.id).map(\.costMicros) == [1])
        }
    }

    @Test(.timeLimit(.minutes(1))) func complete_asACacheHit_costsNothing_andRecordsTheSaving() async throws {
        try await withPricedStore { store, _ in
            let batch = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(
                try await store.complete(
                    claimed.lease,
                    response: answer(prompt: 100, completion: 10),
                    billing: .cacheHit
                )
            )
            let entry = try #require(try await store.ledgerEntries(job: claimed.id).first)
            #expect(entry.cacheHit)
            #expect(entry.costMicros == 0)
            #expect(entry.savedMicros == 65)  // 50 + 15
            #expect(
                try await store.job(claimed.id, tenant: "a")?.cost
                    == CostSummary(knownCostMicros: 0, savedMicros: 65)
            )
            #expect(try await store.batch(batch.id, tenant: "a")?.cost.savedMicros == 65)
            let total = try #require(try await store.usage(UsageQuery()).first)
            #expect(total.cacheHits == 1)
            #expect(total.cost.savedMicros == 65)
            #expect(total.cost.costMicros == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func complete_atTheBatchTier_usesTheBatchRates() async throws {
        let prices = PriceTable(
            version: "b",
            source: "t",
            asOf: "2025-06-01",
            prices: ["m": ModelPrice(input: 1_000_000, output: 2_000_000, batchInput: 500_000, batchOutput: 1_000_000)]
        )
        try await withPricedStore(prices) { store, _ in
            _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(
                try await store.complete(
                    claimed.lease,
                    response: answer(prompt: 10, completion: 10),
                    billing: .batchTier
                )
            )
            let entry = try #require(try await store.ledgerEntries(job: claimed.id).first)
            #expect(entry.tier == .batch)
            #expect(entry.costMicros == 15)
        }
    }

    @Test(.timeLimit(.minutes(1))) func complete_whenTheLedgerWriteFails_rollsBackTheTransitionToo() async throws {
        try await withPricedStore { store, path in
            let batch = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            let db = try SQLiteConnection(path: path)
            try db.execute("CREATE TRIGGER ledger_refuse BEFORE INSERT ON ledger BEGIN SELECT RAISE(ABORT, 'no'); END")
            await #expect(throws: JobsError.self) {
                try await store.complete(claimed.lease, response: answer(prompt: 1, completion: 1))
            }
            // Same transaction: the job is still running under its lease and the batch counted nothing.
            let job = try #require(try await store.job(claimed.id, tenant: "a"))
            #expect(job.state == .running)
            #expect(job.response == nil)
            let stored = try #require(try await store.batch(batch.id, tenant: "a"))
            #expect(stored.counts.succeeded == 0)
            #expect(stored.cost == CostSummary())

            try db.execute("DROP TRIGGER ledger_refuse")
            #expect(try await store.complete(claimed.lease, response: answer(prompt: 1, completion: 1)))
            #expect(try await store.ledgerEntries(job: claimed.id).count == 1)
        }
    }
}
