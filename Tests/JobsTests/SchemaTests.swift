import Foundation
import Testing

@testable import Jobs

@Suite struct SchemaTests {
    @Test(.timeLimit(.minutes(1))) func open_migratesToCurrentVersion_inWALMode() async throws {
        try await withStore { _, path in
            let db = try SQLiteConnection(path: path)
            #expect(try db.integerPragma("user_version") == Schema.currentVersion)
            #expect(try db.textPragma("journal_mode") == "wal")
        }
    }

    @Test(.timeLimit(.minutes(1))) func checkConstraint_rejectsUnknownJobState() async throws {
        try await withStore { store, path in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let db = try SQLiteConnection(path: path)
            let error = #expect(throws: JobsError.self) {
                try db.execute("UPDATE jobs SET state = 'bogus' WHERE id = \(job.id.rawValue)")
            }
            #expect(error?.sqliteCode == 275)  // SQLITE_CONSTRAINT_CHECK
            #expect(try await store.job(job.id, tenant: "a")?.state == .queued)
        }
    }

    @Test(.timeLimit(.minutes(1))) func checkConstraint_rejectsUnknownBatchStatus() async throws {
        try await withStore { store, path in
            let batch = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil, now: t0)
            let db = try SQLiteConnection(path: path)
            #expect(throws: JobsError.self) {
                try db.execute("UPDATE batches SET status = 'done' WHERE id = \(batch.id.rawValue)")
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func checkConstraint_rejectsRunningWithoutLease() async throws {
        try await withStore { store, path in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let db = try SQLiteConnection(path: path)
            #expect(throws: JobsError.self) {
                try db.execute("UPDATE jobs SET state = 'running' WHERE id = \(job.id.rawValue)")
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func open_databaseFromANewerBuild_throwsMigrationError() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("future.sqlite").path
        do {
            let db = try SQLiteConnection(path: path)
            try db.execute("PRAGMA user_version = 999")
        }
        let error = #expect(throws: JobsError.self) { try openStore(at: path) }
        #expect(error?.code == .migration)
    }

    @Test(.timeLimit(.minutes(1))) func data_survivesCloseAndReopen() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested/dir/sluice.sqlite").path
        let first = try openStore(at: path)
        let job = try await first.insertJob(newJob(), tenant: "a", idempotencyKey: "k", now: t0)
        let batch = try await first.insertBatch(newBatch(3), tenant: "a", idempotencyKey: nil, now: t0)
        first.close()
        first.close()  // idempotent

        let second = try openStore(at: path)
        defer { second.close() }
        #expect(try await second.job(job.id, tenant: "a")?.body == job.body)
        #expect(try await second.batch(batch.id, tenant: "a")?.counts.total == 3)
        #expect(try await second.jobs(tenant: "a", state: nil, batch: nil, after: nil, limit: 10).count == 4)
    }

    @Test(.timeLimit(.minutes(1))) func closedStore_refusesWrites() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try openStore(at: directory.appendingPathComponent("s.sqlite").path)
        store.close()
        let error = await #expect(throws: JobsError.self) {
            try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil)
        }
        #expect(error?.code == .closed)
    }
}
