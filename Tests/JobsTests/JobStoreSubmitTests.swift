import Foundation
import Testing

@testable import Jobs

@Suite struct JobStoreSubmitTests {
    @Test(.timeLimit(.minutes(1))) func insertJob_storesEverythingAndReadsBack() async throws {
        try await withStore { store, _ in
            var job = newJob(priority: 3, customID: "c1", maxAttempts: 4, deadline: t0.addingTimeInterval(60))
            job.metadata = Data(#"{"k":"v"}"#.utf8)
            let stored = try await store.insertJob(job, tenant: "a", idempotencyKey: nil, now: t0)
            #expect(stored.id.description.hasPrefix("job_"))
            #expect(stored.state == .queued)
            #expect(stored.attempt == 0)
            #expect(stored.maxAttempts == 4)
            #expect(stored.priority == 3)
            #expect(stored.customID == "c1")
            #expect(stored.metadata == job.metadata)
            #expect(stored.body == job.body)
            #expect(stored.runAt == t0)
            #expect(stored.createdAt == t0)
            #expect(stored.deadline == t0.addingTimeInterval(60))
            #expect(stored.batchID == nil)
            #expect(try await store.tenantExists("a"))
        }
    }

    @Test(.timeLimit(.minutes(1))) func insertJob_withUsedIdempotencyKey_returnsTheOriginal() async throws {
        try await withStore { store, _ in
            let first = try await store.insertJob(newJob(body: "1"), tenant: "a", idempotencyKey: "key", now: t0)
            let again = try await store.insertJob(newJob(body: "2"), tenant: "a", idempotencyKey: "key", now: t0)
            #expect(again.id == first.id)
            #expect(again.body == Data("1".utf8))
            // The key is per tenant.
            let other = try await store.insertJob(newJob(body: "3"), tenant: "b", idempotencyKey: "key", now: t0)
            #expect(other.id != first.id)
            #expect(try await store.jobs(tenant: "a", state: nil, batch: nil, after: nil, limit: 10).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func insertBatch_insertsAllJobsWithCountersAndClampedDeadlines() async throws {
        try await withStore { store, _ in
            let expiry = t0.addingTimeInterval(3_600)
            let batch = try await store.insertBatch(
                newBatch(5, expiresAt: expiry),
                tenant: "a",
                idempotencyKey: nil,
                now: t0
            )
            #expect(batch.status == .inProgress)
            #expect(batch.counts == Batch.Counts(total: 5))
            #expect(batch.inProgressAt == t0)
            #expect(batch.expiresAt == expiry)
            let jobs = try await store.jobs(tenant: "a", state: .queued, batch: batch.id, after: nil, limit: 10)
            #expect(jobs.count == 5)
            #expect(jobs.allSatisfy { $0.batchID == batch.id && $0.deadline == expiry })
        }
    }

    @Test(.timeLimit(.minutes(1))) func insertBatch_withUsedIdempotencyKey_returnsOriginalAndInsertsNothing()
        async throws
    {
        try await withStore { store, _ in
            let first = try await store.insertBatch(newBatch(2), tenant: "a", idempotencyKey: "k", now: t0)
            let again = try await store.insertBatch(newBatch(7), tenant: "a", idempotencyKey: "k", now: t0)
            #expect(again.id == first.id)
            #expect(again.counts.total == 2)
            #expect(try await store.jobs(tenant: "a", state: nil, batch: nil, after: nil, limit: 100).count == 2)
        }
    }

    @Test(.timeLimit(.minutes(1))) func insertBatch_withDuplicateCustomID_isRejectedWhole() async throws {
        try await withStore { store, _ in
            var batch = newBatch(3)
            batch.jobs[2].customID = batch.jobs[0].customID
            let error = await #expect(throws: JobsError.self) {
                try await store.insertBatch(batch, tenant: "a", idempotencyKey: nil, now: t0)
            }
            #expect(error?.code == .duplicateCustomID)
            let jobs = try await store.jobs(tenant: "a", state: nil, batch: nil, after: nil, limit: 10)
            let batches = try await store.batches(tenant: "a", after: nil, limit: 10)
            #expect(jobs.isEmpty)
            #expect(batches.isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1))) func insertBatch_withNoJobs_isFinalizingAtOnce() async throws {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(newBatch(0), tenant: "a", idempotencyKey: nil, now: t0)
            #expect(batch.status == .finalizing)
            #expect(try await store.finishFinalizing(batch.id, output: nil, errors: nil, now: t0)?.status == .completed)
        }
    }

    @Test(.timeLimit(.minutes(1))) func insertBatch_withManyLines_storesEveryLine() async throws {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(newBatch(20_000), tenant: "a", idempotencyKey: nil, now: t0)
            #expect(batch.counts.total == 20_000)
            let claimed = try await store.claim(provider: "mock", limit: 50_000, leaseDuration: .seconds(60), now: t0)
            #expect(claimed.count == 20_000)
            #expect(Set(claimed.compactMap(\.customID)).count == 20_000)
        }
    }

    @Test(.timeLimit(.minutes(1))) func reads_ofAnotherTenantsIDs_areNil() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let batch = try await store.insertBatch(newBatch(2), tenant: "a", idempotencyKey: nil, now: t0)
            #expect(try await store.job(job.id, tenant: "b") == nil)
            #expect(try await store.batch(batch.id, tenant: "b") == nil)
            #expect(try await store.jobs(tenant: "b", state: nil, batch: nil, after: nil, limit: 10).isEmpty)
            #expect(try await store.jobs(tenant: "b", state: nil, batch: batch.id, after: nil, limit: 10).isEmpty)
            #expect(try await store.batches(tenant: "b", after: nil, limit: 10).isEmpty)
            #expect(try await store.cancelJob(job.id, tenant: "b", now: t0) == nil)
            #expect(try await store.cancelBatch(batch.id, tenant: "b", now: t0) == nil)
            #expect(try await store.waitUntilFinal(job.id, tenant: "b", timeout: .seconds(5)) == nil)
            #expect(try await store.job(job.id, tenant: "a")?.state == .queued)
        }
    }

    @Test(.timeLimit(.minutes(1))) func lists_areNewestFirst_withCursor() async throws {
        try await withStore { store, _ in
            var ids: [JobID] = []
            for _ in 0..<5 { ids.append(try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil).id) }
            let page1 = try await store.jobs(tenant: "a", state: nil, batch: nil, after: nil, limit: 2)
            #expect(page1.map(\.id) == [ids[4], ids[3]])
            let page2 = try await store.jobs(tenant: "a", state: nil, batch: nil, after: page1.last?.id, limit: 2)
            #expect(page2.map(\.id) == [ids[2], ids[1]])
            let page3 = try await store.jobs(tenant: "a", state: .queued, batch: nil, after: page2.last?.id, limit: 2)
            #expect(page3.map(\.id) == [ids[0]])

            let b1 = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil)
            let b2 = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil)
            #expect(try await store.batches(tenant: "a", after: nil, limit: 10).map(\.id) == [b2.id, b1.id])
            #expect(try await store.batches(tenant: "a", after: b2.id, limit: 10).map(\.id) == [b1.id])
        }
    }

    @Test(.timeLimit(.minutes(1))) func groupCommit_manyConcurrentInserts_areAllDurableAndVisible() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("gc.sqlite").path
        let store = try openStore(at: path, synchronous: .full)
        let ids = try await withThrowingTaskGroup(of: JobID.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await store.insertJob(newJob(customID: "\(index)"), tenant: "a", idempotencyKey: "k\(index)").id
                }
            }
            var ids: Set<JobID> = []
            for try await id in group { ids.insert(id) }
            return ids
        }
        #expect(ids.count == 200)
        for id in ids { #expect(try await store.job(id, tenant: "a") != nil) }
        store.close()

        let reopened = try openStore(at: path)
        defer { reopened.close() }
        #expect(try await reopened.jobs(tenant: "a", state: .queued, batch: nil, after: nil, limit: 500).count == 200)
    }

    @Test(.timeLimit(.minutes(1))) func groupCommit_oneFailingWrite_rollsBackOnlyItself() async throws {
        try await withStore { store, _ in
            var bad = newBatch(2)
            bad.jobs[1].customID = bad.jobs[0].customID
            let badBatch = bad
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        if index == 25 {
                            await #expect(throws: JobsError.self) {
                                try await store.insertBatch(badBatch, tenant: "a", idempotencyKey: nil)
                            }
                        } else {
                            _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.jobs(tenant: "a", state: nil, batch: nil, after: nil, limit: 100).count == 49)
        }
    }

    @Test(.timeLimit(.minutes(1))) func apiKeys_areFoundByHash_andTenantsCreatedOnce() async throws {
        try await withStore { store, _ in
            #expect(try await store.createTenant("t", now: t0))
            #expect(try await store.createTenant("t", now: t0) == false)
            let hash = Data((0..<32).map { UInt8($0) })
            try await store.insertAPIKey(tenant: "t", keyHash: hash, prefix: "sk-abc", now: t0)
            #expect(try await store.tenant(forKeyHash: hash) == "t")
            #expect(try await store.tenant(forKeyHash: Data(repeating: 7, count: 32)) == nil)
            await #expect(throws: JobsError.self) {
                try await store.insertAPIKey(tenant: "u", keyHash: hash, prefix: "sk-dup", now: t0)
            }
        }
    }
}
