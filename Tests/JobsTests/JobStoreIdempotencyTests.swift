import Foundation
import Testing

@testable import Jobs

@Suite struct JobStoreIdempotencyTests {
    private let hashA = Data(repeating: 0xA, count: 32)
    private let hashB = Data(repeating: 0xB, count: 32)

    private func isReused(_ error: any Error) -> Bool {
        (error as? JobsError)?.code == .idempotencyKeyReused
    }

    @Test(.timeLimit(.minutes(1))) func insertJob_withUsedKeyAndSameHash_returnsOriginal() async throws {
        try await withStore { store, _ in
            let first = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: "k", requestHash: hashA)
            let again = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: "k", requestHash: hashA)
            #expect(again.id == first.id)
        }
    }

    @Test(.timeLimit(.minutes(1))) func insertJob_withUsedKeyAndOtherHash_throwsReused() async throws {
        try await withStore { store, _ in
            _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: "k", requestHash: hashA)
            await #expect {
                try await store.insertJob(newJob(body: "2"), tenant: "a", idempotencyKey: "k", requestHash: hashB)
            } throws: { isReused($0) }
            // Another tenant's key space is its own.
            _ = try await store.insertJob(newJob(), tenant: "b", idempotencyKey: "k", requestHash: hashB)
            #expect(try await store.jobs(tenant: "a", state: nil, batch: nil, after: nil, limit: 10).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func insertBatch_withUsedKeyAndOtherHash_throwsReused() async throws {
        try await withStore { store, _ in
            let first = try await store.insertBatch(newBatch(2), tenant: "a", idempotencyKey: "k", requestHash: hashA)
            let again = try await store.insertBatch(newBatch(2), tenant: "a", idempotencyKey: "k", requestHash: hashA)
            #expect(again.id == first.id)
            await #expect {
                try await store.insertBatch(newBatch(3), tenant: "a", idempotencyKey: "k", requestHash: hashB)
            } throws: { isReused($0) }
            #expect(try await store.batches(tenant: "a", after: nil, limit: 10).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func insertJob_concurrentSameKey_createsOneJob() async throws {
        try await withStore { store, _ in
            let ids = try await withThrowingTaskGroup(of: JobID.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await store.insertJob(newJob(), tenant: "a", idempotencyKey: "k", requestHash: hashA).id
                    }
                }
                var ids: Set<JobID> = []
                for try await id in group { ids.insert(id) }
                return ids
            }
            #expect(ids.count == 1)
            #expect(try await store.jobs(tenant: "a", state: nil, batch: nil, after: nil, limit: 10).count == 1)
        }
    }
}
