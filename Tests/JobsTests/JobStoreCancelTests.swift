import Foundation
import Testing

@testable import Jobs

@Suite struct JobStoreCancelTests {
    @Test(.timeLimit(.minutes(1))) func cancelJob_whenQueued_cancelsAtOnce() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let cancelled = try #require(try await store.cancelJob(job.id, tenant: "a", now: t0))
            #expect(cancelled.state == .cancelled)
            #expect(cancelled.finishedAt == t0)
            #expect(try await store.claimOne() == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func cancelJob_whenRunning_requestsCancellation_andTheWorkerAcknowledges()
        async throws
    {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let first = store.cancellationRequests()
            let second = store.cancellationRequests()
            let claimed = try #require(try await store.claimOne())
            let requested = try #require(try await store.cancelJob(job.id, tenant: "a", now: t0))
            #expect(requested.state == .running)
            #expect(requested.cancelRequested)

            var firstIterator = first.makeAsyncIterator()
            var secondIterator = second.makeAsyncIterator()
            #expect(await firstIterator.next() == job.id)
            #expect(await secondIterator.next() == job.id)

            #expect(try await store.acknowledgeCancel(claimed.lease, now: t0))
            #expect(try await store.job(job.id, tenant: "a")?.state == .cancelled)
        }
    }

    @Test(.timeLimit(.minutes(1))) func cancelJob_whenFinal_changesNothing() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(try await store.complete(claimed.lease, response: okResponse()))
            #expect(try await store.cancelJob(job.id, tenant: "a")?.state == .succeeded)
        }
    }

    @Test(.timeLimit(.minutes(1))) func retry_afterCancellationWasRequested_endsCancelled() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            _ = try await store.cancelJob(job.id, tenant: "a", now: t0)
            #expect(try await store.retry(claimed.lease, at: t0, failure: nil, countsAttempt: false, now: t0))
            #expect(try await store.job(job.id, tenant: "a")?.state == .cancelled)
        }
    }

    @Test(.timeLimit(.minutes(1))) func cancelBatch_cancelsQueued_isCancellingUntilRunningSettle() async throws {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(newBatch(3), tenant: "a", idempotencyKey: nil, now: t0)
            let requests = store.cancellationRequests()
            let claimed = try #require(try await store.claimOne())

            let cancelling = try #require(try await store.cancelBatch(batch.id, tenant: "a", now: t0))
            #expect(cancelling.status == .cancelling)
            #expect(cancelling.cancellingAt == t0)
            #expect(cancelling.counts == Batch.Counts(total: 3, cancelled: 2))
            var iterator = requests.makeAsyncIterator()
            #expect(await iterator.next() == claimed.id)

            // The running job finishes anyway: success stays success, and the batch settles as cancelled.
            #expect(try await store.complete(claimed.lease, response: okResponse(), now: t0.addingTimeInterval(1)))
            let finalizing = try #require(try await store.batch(batch.id, tenant: "a"))
            #expect(finalizing.status == .finalizing)
            let cancelled = try #require(
                try await store.finishFinalizing(batch.id, output: nil, errors: nil, now: t0.addingTimeInterval(1))
            )
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.cancelledAt == t0.addingTimeInterval(1))
            #expect(cancelled.counts == Batch.Counts(total: 3, succeeded: 1, cancelled: 2))
        }
    }

    @Test(.timeLimit(.minutes(1))) func cancelBatch_withNothingRunning_isFinalizingAtOnce() async throws {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(newBatch(2), tenant: "a", idempotencyKey: nil, now: t0)
            let finalizing = try #require(try await store.cancelBatch(batch.id, tenant: "a", now: t0))
            #expect(finalizing.status == .finalizing)
            #expect(finalizing.counts.cancelled == 2)
            #expect(try await store.cancelBatch(batch.id, tenant: "a", now: t0)?.status == .finalizing)
            let cancelled = try #require(try await store.finishFinalizing(batch.id, output: nil, errors: nil, now: t0))
            #expect(cancelled.status == .cancelled)
            // Cancelling again changes nothing.
            #expect(try await store.cancelBatch(batch.id, tenant: "a", now: t0)?.status == .cancelled)
        }
    }

    @Test(.timeLimit(.minutes(1))) func cancellationRequests_endWhenTheStoreCloses() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try openStore(at: directory.appendingPathComponent("s.sqlite").path)
        let requests = store.cancellationRequests()
        store.close()
        var iterator = requests.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }
}
