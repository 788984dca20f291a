import Foundation
import Testing

@testable import Jobs

@Suite struct JobStoreMaintenanceTests {
    @Test(.timeLimit(.minutes(1))) func rescueExpiredLeases_requeuesWithTheAttemptUsed() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(maxAttempts: 3), tenant: "a", idempotencyKey: nil, now: t0)
            _ = try #require(try await store.claimOne(now: t0, lease: .seconds(10)))
            #expect(try await store.rescueExpiredLeases(now: t0.addingTimeInterval(9)) == 0)
            #expect(try await store.rescueExpiredLeases(now: t0.addingTimeInterval(11)) == 1)
            let queued = try #require(try await store.job(job.id, tenant: "a"))
            #expect(queued.state == .queued)
            #expect(queued.attempt == 1)
            #expect(queued.error?.code == "lease_expired")
            #expect(try await store.claimOne(now: t0.addingTimeInterval(11))?.attempt == 2)
        }
    }

    @Test(.timeLimit(.minutes(1))) func rescueExpiredLeases_whenAttemptsAreUsedUp_failsWithLeaseExpired() async throws {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne(now: t0, lease: .seconds(10)))
            // newBatch jobs allow 3 attempts: use them up.
            var now = t0
            for _ in 1..<3 {
                now = now.addingTimeInterval(11)
                #expect(try await store.rescueExpiredLeases(now: now) == 1)
                _ = try #require(try await store.claimOne(now: now, lease: .seconds(10)))
            }
            now = now.addingTimeInterval(11)
            #expect(try await store.rescueExpiredLeases(now: now) == 1)
            let failed = try #require(try await store.job(claimed.id, tenant: "a"))
            #expect(failed.state == .failed)
            #expect(failed.attempt == 3)
            #expect(failed.error?.code == "lease_expired")
            let settled = try #require(try await store.batch(batch.id, tenant: "a"))
            #expect(settled.counts.failed == 1)
            #expect(settled.status == .finalizing)
            let final = try await store.finishFinalizing(batch.id, output: nil, errors: nil, now: now)
            #expect(final?.status == .completed)
        }
    }

    @Test(.timeLimit(.minutes(1))) func rescueAllRunning_handsEveryRunningJobBackWithoutBurningAnAttempt()
        async throws
    {
        try await withStore { store, _ in
            for _ in 0..<3 { _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0) }
            let claimed = try await store.claim(provider: "mock", limit: 2, leaseDuration: .seconds(600), now: t0)
            #expect(claimed.count == 2)
            #expect(try await store.rescueAllRunning(now: t0.addingTimeInterval(1)) == 2)
            for job in claimed {
                let back = try #require(try await store.job(job.id, tenant: "a"))
                #expect(back.state == .queued)
                #expect(back.attempt == 0)
            }
            let reclaimed = try await store.claim(
                provider: "mock",
                limit: 10,
                leaseDuration: .seconds(60),
                now: t0.addingTimeInterval(1)
            )
            #expect(reclaimed.count == 3)
        }
    }

    @Test(.timeLimit(.minutes(1))) func rescue_ofARunningJobWithCancellationRequested_cancelsIt() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            _ = try #require(try await store.claimOne(now: t0, lease: .seconds(10)))
            _ = try await store.cancelJob(job.id, tenant: "a", now: t0)
            #expect(try await store.rescueAllRunning(now: t0) == 1)
            #expect(try await store.job(job.id, tenant: "a")?.state == .cancelled)
        }
    }

    @Test(.timeLimit(.minutes(1))) func expireOverdue_expiresQueuedAndFlagsRunning_thenTheBatchExpires()
        async throws
    {
        try await withStore { store, _ in
            let expiry = t0.addingTimeInterval(3_600)
            let batch = try await store.insertBatch(
                newBatch(3, expiresAt: expiry),
                tenant: "a",
                idempotencyKey: nil,
                now: t0
            )
            let requests = store.cancellationRequests()
            let claims = try await store.claim(provider: "mock", limit: 2, leaseDuration: .seconds(7_200), now: t0)
            #expect(try await store.complete(claims[0].lease, response: okResponse(), now: t0))
            #expect(try await store.expireOverdue(now: expiry.addingTimeInterval(-1)) == 0)

            #expect(try await store.expireOverdue(now: expiry) == 2)  // one queued expired, one running flagged
            var iterator = requests.makeAsyncIterator()
            #expect(await iterator.next() == claims[1].id)
            var current = try #require(try await store.batch(batch.id, tenant: "a"))
            #expect(current.status == .inProgress)
            #expect(current.counts.expired == 1)

            // The worker sees the request, aborts, and acknowledges: the job ends expired, and so does the batch.
            #expect(
                try await store.heartbeat([claims[1].lease], leaseDuration: .seconds(60), now: expiry)
                    == [claims[1].id]
            )
            #expect(try await store.acknowledgeCancel(claims[1].lease, now: expiry))
            let expired = try #require(try await store.job(claims[1].id, tenant: "a"))
            #expect(expired.state == .expired)
            #expect(expired.error?.code == "batch_expired")
            current = try #require(try await store.batch(batch.id, tenant: "a"))
            #expect(current.status == .finalizing)
            current = try #require(try await store.finishFinalizing(batch.id, output: nil, errors: nil, now: expiry))
            #expect(current.status == .expired)
            #expect(current.expiredAt == expiry)
            #expect(current.counts == Batch.Counts(total: 3, succeeded: 1, expired: 2))
            let queuedOne = try await store.jobs(tenant: "a", state: .expired, batch: batch.id, after: nil, limit: 5)
            #expect(queuedOne.allSatisfy { $0.error?.code == "batch_expired" })
        }
    }

    @Test(.timeLimit(.minutes(1))) func batchCounters_followEveryTransition_andTheBatchCompletes() async throws {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(newBatch(4), tenant: "a", idempotencyKey: nil, now: t0)
            let claims = try await store.claim(provider: "mock", limit: 4, leaseDuration: .seconds(60), now: t0)
            #expect(claims.count == 4)
            #expect(try await store.complete(claims[0].lease, response: okResponse(prompt: 10, completion: 1)))
            #expect(try await store.complete(claims[1].lease, response: okResponse(prompt: 20, completion: 2)))
            #expect(try await store.fail(claims[2].lease, response: nil, failure: .init(code: "e", message: "m")))
            var current = try #require(try await store.batch(batch.id, tenant: "a"))
            #expect(current.status == .inProgress)
            #expect(current.counts == Batch.Counts(total: 4, succeeded: 2, failed: 1))
            #expect(current.usage == TokenUsage(promptTokens: 30, completionTokens: 3))

            // A retry is not final: nothing counted.
            #expect(try await store.retry(claims[3].lease, at: t0, failure: nil, countsAttempt: true, now: t0))
            #expect(try await store.batch(batch.id, tenant: "a")?.counts.final == 3)
            let again = try #require(try await store.claimOne(now: t0))
            #expect(
                try await store.complete(
                    again.lease,
                    response: okResponse(prompt: 1, completion: 1),
                    now: t0.addingTimeInterval(5)
                )
            )
            current = try #require(try await store.batch(batch.id, tenant: "a"))
            #expect(current.status == .finalizing)
            #expect(current.finalizingAt == t0.addingTimeInterval(5))
            current = try #require(
                try await store.finishFinalizing(batch.id, output: nil, errors: nil, now: t0.addingTimeInterval(5))
            )
            #expect(current.status == .completed)
            #expect(current.completedAt == t0.addingTimeInterval(5))
            #expect(current.counts == Batch.Counts(total: 4, succeeded: 3, failed: 1))

            // The results stream: final jobs in id order, paged.
            let page1 = try await store.finalJobs(ofBatch: batch.id, after: nil, limit: 3)
            let page2 = try await store.finalJobs(ofBatch: batch.id, after: page1.last?.id, limit: 3)
            #expect(page1.count == 3)
            #expect(page2.count == 1)
            #expect((page1 + page2).map(\.id) == (page1 + page2).map(\.id).sorted())
        }
    }

    @Test(.timeLimit(.minutes(1))) func finalJobs_leavesOutJobsThatAreNotFinal() async throws {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(newBatch(3), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(try await store.finalJobs(ofBatch: batch.id, after: nil, limit: 10).isEmpty)
            #expect(try await store.complete(claimed.lease, response: okResponse()))
            #expect(try await store.finalJobs(ofBatch: batch.id, after: nil, limit: 10).map(\.id) == [claimed.id])
        }
    }
}
