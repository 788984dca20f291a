import Foundation
import Testing

@testable import Jobs

@Suite struct JobStoreWaitTests {
    @Test(.timeLimit(.minutes(1))) func waitUntilFinal_returnsOnceTheJobCompletes() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            async let waited = store.waitUntilFinal(job.id, tenant: "a", timeout: .seconds(50))
            // Complete once the waiter is certainly registered: completing earlier is also fine (it re-reads).
            #expect(try await store.complete(claimed.lease, response: okResponse()))
            let final = try await waited
            #expect(final?.state == .succeeded)
        }
    }

    @Test(.timeLimit(.minutes(1))) func waitUntilFinal_whenAlreadyFinal_returnsAtOnce() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            _ = try await store.cancelJob(job.id, tenant: "a")
            #expect(try await store.waitUntilFinal(job.id, tenant: "a", timeout: .seconds(50))?.state == .cancelled)
        }
    }

    @Test(.timeLimit(.minutes(1))) func waitUntilFinal_onTimeout_returnsTheJobAsItIs() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            #expect(try await store.waitUntilFinal(job.id, tenant: "a", timeout: .milliseconds(20))?.state == .queued)
        }
    }

    @Test(.timeLimit(.minutes(1))) func waitUntilFinal_manyWaiters_allWokenByOneCommit() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            try await withThrowingTaskGroup(of: JobState?.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await store.waitUntilFinal(job.id, tenant: "a", timeout: .seconds(50))?.state }
                }
                #expect(try await store.fail(claimed.lease, response: nil, failure: .init(code: "e", message: "m")))
                for try await state in group { #expect(state == .failed) }
            }
        }
    }
}
