import Foundation
import Testing

@testable import Jobs

@Suite struct SchemaMigrationTests {
    @Test(.timeLimit(.minutes(1))) func open_aVersion1Database_addsTheLedger_andKeepsTheJobs() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("v1.sqlite").path
        do {
            let db = try SQLiteConnection(path: path)
            try db.execute(Schema.migrations[0])
            try db.execute("PRAGMA user_version = 1")
            try db.execute("INSERT INTO tenants(id, created_at) VALUES ('a', 0)")
            try db.execute(
                """
                INSERT INTO batches(tenant, endpoint, completion_window, status, created_at, expires_at, total)
                VALUES ('a', '/v1/chat/completions', '24h', 'in_progress', 0, 1, 1)
                """
            )
            try db.execute(
                """
                INSERT INTO jobs(tenant, batch_id, provider, model, endpoint, body, priority, state, max_attempts,
                    run_at, created_at, updated_at)
                VALUES ('a', 1, 'mock', 'm', '/v1/chat/completions', x'7b7d', 0, 'queued', 3, 0, 0, 0)
                """
            )
        }
        let store = try openStore(at: path)
        defer { store.close() }
        let db = try SQLiteConnection(path: path)
        #expect(try db.integerPragma("user_version") == Schema.currentVersion)
        let job = try #require(try await store.job(JobID(1), tenant: "a"))
        #expect(job.cost == CostSummary())
        #expect(try await store.batch(BatchID(1), tenant: "a")?.cost == CostSummary())
        #expect(try await store.usage(UsageQuery()) == [UsageGroup()])
    }

    @Test(.timeLimit(.minutes(1))) func ledger_refusesACacheHitThatCostSomething() async throws {
        try await withStore { _, path in
            let db = try SQLiteConnection(path: path)
            #expect(throws: JobsError.self) {
                try db.execute(
                    """
                    INSERT INTO ledger(tenant, job_id, provider, model, attempt, prompt_tokens, cached_tokens,
                        completion_tokens, usage_reported, tier, cost_micros, price_version, cache_hit, saved_micros,
                        created_at)
                    VALUES ('a', 1, 'p', 'm', 1, 1, 0, 1, 1, 'standard', 5, 'v', 1, 5, 0)
                    """
                )
            }
        }
    }
}
