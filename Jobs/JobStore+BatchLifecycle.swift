package import Foundation

/// The batch lifecycle around the jobs: file batches (`validating`), finalizing (output and error files), retry,
/// and long-polls on batches.
///
/// ```swift
/// let batch = try await store.insertFileBatch(newFileBatch, tenant: "t", idempotencyKey: nil, requestHash: nil)
/// // The validator (woken through `validationRequests()`) reads the file, then:
/// _ = try await store.startValidatedBatch(batch.id) { insert in for job in jobs { try insert(job) } }
/// // When the last job is final the batch is `finalizing`; the finalizer (woken through
/// // `finalizationRequests()`) writes the files and calls `finishFinalizing`.
/// let final = try await store.waitUntilBatchFinal(batch.id, tenant: "t", timeout: .seconds(30))
/// ```
extension JobStore {
    // MARK: Validation

    /// Stores a batch made from an input file in `validating`, with no jobs, and wakes the validator.
    /// With an idempotency key already used by the tenant, returns the original batch, or throws
    /// `JobsError.Code.idempotencyKeyReused` when `requestHash` differs from the original's.
    package func insertFileBatch(
        _ batch: NewFileBatch,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data?,
        now: Date = Date()
    ) async throws -> Batch {
        let now = now.unixMilliseconds
        let result = try await writer.write { db in
            try StoreWrites(db: db).insertFileBatch(
                batch,
                tenant: tenant,
                idempotencyKey: idempotencyKey,
                requestHash: requestHash,
                now: now
            )
        }
        if result.value.status == .validating { batchesToValidate.publish(CollectionOfOne(result.value.id)) }
        return result.value
    }

    /// `validating` → `in_progress` in one transaction: every job `jobs` hands to `insert` is inserted, then the
    /// batch starts. `jobs` runs on the writer thread inside the transaction (stream the input from disk there,
    /// rather than holding it in memory); what it throws rolls everything back and is rethrown. Returns nil when
    /// the batch is not `validating` any more (it was cancelled meanwhile).
    package func startValidatedBatch(
        _ id: BatchID,
        now: Date = Date(),
        jobs: @escaping @Sendable (_ insert: (NewJob) throws -> Void) throws -> Void
    ) async throws -> Batch? {
        let now = now.unixMilliseconds
        let result = try await writer.write { db in
            try StoreWrites(db: db).startValidatedBatch(id, now: now, jobs: jobs)
        }
        publish(result.effects)
        guard let started = result.value else { return nil }
        insertions.publish(started.providers)
        return started.batch
    }

    /// `validating` → `failed` with OpenAI's `errors` object (JSON). Returns nil when the batch is not `validating`.
    package func failValidation(_ id: BatchID, errors: Data, now: Date = Date()) async throws -> Batch? {
        let now = now.unixMilliseconds
        let result = try await writer.write { db in
            try self.writes(db).failValidation(id, errors: errors, now: now)
        }
        publish(result.effects)
        return result.value
    }

    /// An in-process stream of batches stored `validating`, published after their commit, for the validator.
    /// Ends when the store closes.
    package func validationRequests() -> AsyncStream<BatchID> { batchesToValidate.subscribe() }

    // MARK: Finalizing

    /// `finalizing` → `completed` | `expired` | `cancelled` in one transaction, inserting the staged output and
    /// error files (nil: no such lines) and linking them to the batch. Returns nil when the batch is not
    /// `finalizing`. The staged files are gone afterwards, whatever happens.
    package func finishFinalizing(
        _ id: BatchID,
        output: StagedBatchFile?,
        errors: StagedBatchFile?,
        now: Date = Date()
    ) async throws -> Batch? {
        let now = now.unixMilliseconds
        defer {
            for staged in [output, errors].compactMap(\.self) { try? FileManager.default.removeItem(at: staged.url) }
        }
        let result = try await writer.write { db in
            try self.writes(db).finishFinalizing(id, output: output, errors: errors, now: now)
        }
        publish(result.effects)
        return result.value
    }

    /// An in-process stream of batches that reached `finalizing`, published after the commit, for the finalizer.
    /// Ends when the store closes.
    package func finalizationRequests() -> AsyncStream<BatchID> { batchesToFinalize.subscribe() }

    // MARK: Reads for the lifecycle services

    /// The batch whatever its tenant (the validator and finalizer act for the system, never for a caller).
    package func batchForLifecycle(_ id: BatchID) async throws -> Batch? {
        try await readers.read { db in try StoreReads(db: db).batch(id) }
    }

    /// Every batch in `status`, oldest first: the validator and the finalizer take up at start-up what a previous
    /// run left `validating` or `finalizing`.
    package func batchIDs(in status: BatchStatus) async throws -> [BatchID] {
        try await readers.read { db in try StoreReads(db: db).batchIDs(in: status) }
    }

    // MARK: Retry

    /// A new batch with copies of the failed and expired jobs of a final batch (see ``BatchRetry``).
    package func retryBatch(
        _ id: BatchID,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data?,
        now: Date = Date()
    ) async throws -> BatchRetry {
        let now = now.unixMilliseconds
        let result = try await writer.write { db in
            try StoreWrites(db: db).retryBatch(
                id,
                tenant: tenant,
                idempotencyKey: idempotencyKey,
                requestHash: requestHash,
                now: now
            )
        }
        insertions.publish(result.value.providers)
        return result.value.retry
    }

    // MARK: Long-poll

    /// Waits until the batch is final (`completed`, `failed`, `expired`, `cancelled`) or the timeout passes, then
    /// returns it as it is (nil if it is not the tenant's). Woken by the commit that makes it final (no polling);
    /// cancelling the calling task ends the wait early.
    package func waitUntilBatchFinal(_ id: BatchID, tenant: String, timeout: Duration) async throws -> Batch? {
        try await batchWaiters.waitUntilFinal(
            id,
            timeout: timeout,
            read: { try await batch(id, tenant: tenant) },
            isFinal: { $0.status.isFinal }
        )
    }

    /// How many `waitUntilBatchFinal` calls (batch long-polls) are waiting right now.
    package var pendingBatchWaits: Int { batchWaiters.count }
}
