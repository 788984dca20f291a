import Foundation
import Testing

@testable import Jobs

/// The batch lifecycle around the jobs: file batches (`validating`), finalizing with output and error files,
/// retry, and long-polls on batches.
@Suite struct JobStoreBatchLifecycleTests {
    /// Commits a file with `text` as its content for `tenant`.
    static func storeFile(
        _ store: JobStore,
        _ text: String,
        purpose: FilePurpose = .batch,
        tenant: String = "a"
    ) async throws -> StoredFile {
        let staged = store.stageFileURL()
        try Data(text.utf8).write(to: staged)
        return try await store.insertFile(
            NewFile(purpose: purpose, filename: "input.jsonl", bytes: Int64(text.utf8.count)),
            stagedAt: staged,
            tenant: tenant,
            idempotencyKey: nil,
            requestHash: nil,
            now: t0
        )
    }

    static func fileBatch(_ file: StoredFile) -> NewFileBatch {
        NewFileBatch(
            inputFileID: file.id,
            endpoint: "/v1/chat/completions",
            completionWindow: "24h",
            metadata: Data(#"{"k":"v"}"#.utf8),
            expiresAt: t0.addingTimeInterval(86_400)
        )
    }

    /// A staged output file holding `text`.
    static func staged(_ store: JobStore, _ text: String, lines: Int) throws -> StagedBatchFile {
        let url = store.stageFileURL()
        try Data(text.utf8).write(to: url)
        return StagedBatchFile(url: url, bytes: Int64(text.utf8.count), lines: lines)
    }

    @Test(.timeLimit(.minutes(1))) func insertFileBatch_isValidating_untilStartedWithItsJobs() async throws {
        try await withStore { store, _ in
            let requests = store.validationRequests()
            let file = try await Self.storeFile(store, "lines")
            let batch = try await store.insertFileBatch(
                Self.fileBatch(file),
                tenant: "a",
                idempotencyKey: nil,
                requestHash: nil,
                now: t0
            )
            #expect(batch.status == .validating)
            #expect(batch.inputFileID == file.id)
            #expect(batch.counts.total == 0)
            #expect(batch.inProgressAt == nil)
            var iterator = requests.makeAsyncIterator()
            #expect(await iterator.next() == batch.id)
            #expect(try await store.batchIDs(in: .validating) == [batch.id])
            // Nothing is claimable while validating.
            #expect(try await store.claimOne() == nil)

            let started = try #require(
                try await store.startValidatedBatch(batch.id, now: t0.addingTimeInterval(1)) { insert in
                    for index in 0..<3 {
                        try insert(newJob(customID: "c\(index)", deadline: t0.addingTimeInterval(1e6)))
                    }
                }
            )
            #expect(started.status == .inProgress)
            #expect(started.inProgressAt == t0.addingTimeInterval(1))
            #expect(started.counts.total == 3)
            let jobs = try await store.jobs(tenant: "a", state: nil, batch: batch.id, after: nil, limit: 10)
            #expect(jobs.count == 3)
            // Each job's deadline is capped at the batch's expiry.
            #expect(jobs.allSatisfy { $0.deadline == batch.expiresAt })
            #expect(try await store.batchIDs(in: .validating).isEmpty)
            // Started once: a second start finds it no longer validating and inserts nothing.
            #expect(try await store.startValidatedBatch(batch.id) { insert in try insert(newJob()) } == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func startValidatedBatch_whenJobsThrow_insertsNothing() async throws {
        try await withStore { store, _ in
            let file = try await Self.storeFile(store, "lines")
            let batch = try await store.insertFileBatch(
                Self.fileBatch(file),
                tenant: "a",
                idempotencyKey: nil,
                requestHash: nil,
                now: t0
            )
            struct Broken: Error {}
            await #expect(throws: Broken.self) {
                try await store.startValidatedBatch(batch.id) { insert in
                    try insert(newJob(customID: "x"))
                    throw Broken()
                }
            }
            let duplicate = await #expect(throws: JobsError.self) {
                try await store.startValidatedBatch(batch.id) { insert in
                    try insert(newJob(customID: "x"))
                    try insert(newJob(customID: "x"))
                }
            }
            #expect(duplicate?.code == .duplicateCustomID)
            #expect(try await store.jobs(tenant: "a", state: nil, batch: nil, after: nil, limit: 10).isEmpty)
            #expect(try await store.batch(batch.id, tenant: "a")?.status == .validating)
        }
    }

    @Test(.timeLimit(.minutes(1))) func failValidation_keepsTheErrors_andWakesLongPolls() async throws {
        try await withStore { store, _ in
            let file = try await Self.storeFile(store, "lines")
            let batch = try await store.insertFileBatch(
                Self.fileBatch(file),
                tenant: "a",
                idempotencyKey: nil,
                requestHash: nil,
                now: t0
            )
            async let waited = store.waitUntilBatchFinal(batch.id, tenant: "a", timeout: .seconds(50))
            while store.pendingBatchWaits == 0 { await Task.yield() }
            let errors = Data(#"{"object":"list","data":[{"code":"c","message":"m","param":null,"line":2}]}"#.utf8)
            let failed = try #require(try await store.failValidation(batch.id, errors: errors, now: t0))
            #expect(failed.status == .failed)
            #expect(failed.failedAt == t0)
            #expect(failed.errors == errors)
            #expect(try await waited?.status == .failed)
            // Failed once: not validating any more.
            #expect(try await store.failValidation(batch.id, errors: errors, now: t0) == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func cancelBatch_whenValidating_isCancelledAtOnce() async throws {
        try await withStore { store, _ in
            let file = try await Self.storeFile(store, "lines")
            let batch = try await store.insertFileBatch(
                Self.fileBatch(file),
                tenant: "a",
                idempotencyKey: nil,
                requestHash: nil,
                now: t0
            )
            let cancelled = try #require(try await store.cancelBatch(batch.id, tenant: "a", now: t0))
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.cancelledAt == t0)
            // The validator then finds it gone.
            #expect(try await store.startValidatedBatch(batch.id) { insert in try insert(newJob()) } == nil)
            #expect(try await store.claimOne() == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func lastJobFinal_movesTheBatchToFinalizing_andWakesTheFinalizer() async throws {
        try await withStore { store, _ in
            let requests = store.finalizationRequests()
            let batch = try await store.insertBatch(newBatch(2), tenant: "a", idempotencyKey: nil, now: t0)
            let first = try #require(try await store.claimOne())
            let second = try #require(try await store.claimOne())
            #expect(try await store.complete(first.lease, response: okResponse(), now: t0))
            #expect(try await store.batch(batch.id, tenant: "a")?.status == .inProgress)
            #expect(
                try await store.fail(
                    second.lease,
                    response: nil,
                    failure: JobFailure(code: "e", message: "m"),
                    now: t0.addingTimeInterval(2)
                )
            )
            let finalizing = try #require(try await store.batch(batch.id, tenant: "a"))
            #expect(finalizing.status == .finalizing)
            #expect(finalizing.finalizingAt == t0.addingTimeInterval(2))
            #expect(finalizing.completedAt == nil)
            var iterator = requests.makeAsyncIterator()
            #expect(await iterator.next() == batch.id)
            #expect(try await store.batchIDs(in: .finalizing) == [batch.id])
        }
    }

    @Test(.timeLimit(.minutes(1))) func finishFinalizing_insertsAndLinksTheFiles_andCompletesTheBatch() async throws {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(try await store.complete(claimed.lease, response: okResponse(), now: t0))
            async let waited = store.waitUntilBatchFinal(batch.id, tenant: "a", timeout: .seconds(50))
            while store.pendingBatchWaits == 0 { await Task.yield() }

            let output = try Self.staged(store, "{\"line\":1}\n", lines: 1)
            let final = try #require(
                try await store.finishFinalizing(batch.id, output: output, errors: nil, now: t0.addingTimeInterval(3))
            )
            #expect(final.status == .completed)
            #expect(final.completedAt == t0.addingTimeInterval(3))
            #expect(final.errorFileID == nil)
            let outputID = try #require(final.outputFileID)
            let file = try #require(try await store.file(outputID, tenant: "a"))
            #expect(file.purpose == .batchOutput)
            #expect(file.bytes == 11)
            #expect(file.lines == 1)
            #expect(file.filename == "\(batch.id)_output.jsonl")
            #expect(try String(contentsOf: store.fileURL(outputID), encoding: .utf8) == "{\"line\":1}\n")
            #expect(!FileManager.default.fileExists(atPath: output.url.path))
            #expect(try await waited?.status == .completed)
            // Another tenant does not see the output file.
            #expect(try await store.file(outputID, tenant: "b") == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func finishFinalizing_whenNotFinalizing_insertsNothing_andRemovesTheStaged()
        async throws
    {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil, now: t0)
            let errors = try Self.staged(store, "{}\n", lines: 1)
            #expect(try await store.finishFinalizing(batch.id, output: nil, errors: errors, now: t0) == nil)
            #expect(!FileManager.default.fileExists(atPath: errors.url.path))
            #expect(try await store.files(tenant: "a", after: nil, limit: 10, purpose: nil, order: .ascending).isEmpty)
            #expect(try await store.batch(batch.id, tenant: "a")?.status == .inProgress)
        }
    }

    @Test(.timeLimit(.minutes(1))) func retryBatch_copiesOnlyFailedAndExpiredJobs_intoALinkedBatch() async throws {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(
                newBatch(4, expiresAt: t0.addingTimeInterval(3_600)),
                tenant: "a",
                idempotencyKey: nil,
                now: t0
            )
            let running = try #require(
                try await store.retryBatch(batch.id, tenant: "a", idempotencyKey: nil, requestHash: nil, now: t0)
            )
            guard case .notFinal(.inProgress) = running else {
                Issue.record("expected notFinal, got \(running)")
                return
            }
            let claims = try await store.claim(provider: "mock", limit: 3, leaseDuration: .seconds(60), now: t0)
            #expect(try await store.complete(claims[0].lease, response: okResponse(), now: t0))
            #expect(try await store.fail(claims[1].lease, response: nil, failure: .init(code: "e", message: "m")))
            #expect(try await store.fail(claims[2].lease, response: nil, failure: .init(code: "e", message: "m")))
            // The fourth job never ran: it expires with the batch.
            #expect(try await store.expireOverdue(now: t0.addingTimeInterval(3_601)) == 1)
            _ = try await store.finishFinalizing(batch.id, output: nil, errors: nil, now: t0.addingTimeInterval(3_601))
            #expect(try await store.batch(batch.id, tenant: "a")?.status == .expired)

            let later = t0.addingTimeInterval(7_200)
            let outcome = try await store.retryBatch(
                batch.id,
                tenant: "a",
                idempotencyKey: "retry-1",
                requestHash: Data(repeating: 1, count: 32),
                now: later
            )
            guard case .created(let retry) = outcome else {
                Issue.record("expected a retry batch, got \(outcome)")
                return
            }
            #expect(retry.retryOf == batch.id)
            #expect(retry.status == .inProgress)
            #expect(retry.counts.total == 3)
            #expect(retry.expiresAt == later.addingTimeInterval(3_600))
            let jobs = try await store.jobs(tenant: "a", state: nil, batch: retry.id, after: nil, limit: 10)
            let originals = try await store.jobs(tenant: "a", state: nil, batch: batch.id, after: nil, limit: 10)
            let retried = Set(originals.filter { $0.state == .failed || $0.state == .expired }.compactMap(\.customID))
            #expect(Set(jobs.compactMap(\.customID)) == retried)
            #expect(jobs.allSatisfy { $0.state == .queued && $0.attempt == 0 && $0.deadline == retry.expiresAt })

            // The same key returns the same batch; a different request under it is refused.
            let again = try await store.retryBatch(
                batch.id,
                tenant: "a",
                idempotencyKey: "retry-1",
                requestHash: Data(repeating: 1, count: 32),
                now: later
            )
            guard case .created(let same) = again else {
                Issue.record("expected the same batch, got \(again)")
                return
            }
            #expect(same.id == retry.id)
            let reused = await #expect(throws: JobsError.self) {
                try await store.retryBatch(
                    batch.id,
                    tenant: "a",
                    idempotencyKey: "retry-1",
                    requestHash: Data(repeating: 2, count: 32),
                    now: later
                )
            }
            #expect(reused?.code == .idempotencyKeyReused)
        }
    }

    @Test(.timeLimit(.minutes(1))) func retryBatch_withNothingFailed_orAnotherTenant_refuses() async throws {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(try await store.complete(claimed.lease, response: okResponse(), now: t0))
            _ = try await store.finishFinalizing(batch.id, output: nil, errors: nil, now: t0)
            let nothing = try await store.retryBatch(batch.id, tenant: "a", idempotencyKey: nil, requestHash: nil)
            guard case .nothingToRetry = nothing else {
                Issue.record("expected nothingToRetry, got \(nothing)")
                return
            }
            let other = try await store.retryBatch(batch.id, tenant: "b", idempotencyKey: nil, requestHash: nil)
            guard case .notFound = other else {
                Issue.record("expected notFound, got \(other)")
                return
            }
            #expect(try await store.batches(tenant: "a", after: nil, limit: 10).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func waitUntilBatchFinal_whenTheWaitEnds_returnsTheBatchAsItIs() async throws {
        try await withStore { store, _ in
            let batch = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil, now: t0)
            let waited = try await store.waitUntilBatchFinal(batch.id, tenant: "a", timeout: .milliseconds(10))
            #expect(waited?.status == .inProgress)
            #expect(try await store.waitUntilBatchFinal(batch.id, tenant: "b", timeout: .seconds(5)) == nil)
            #expect(store.pendingBatchWaits == 0)
        }
    }
}
