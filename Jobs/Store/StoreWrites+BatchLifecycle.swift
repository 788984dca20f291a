import struct Foundation.Data
import struct Foundation.Date

/// The batch lifecycle beyond the job transitions: a file batch's validation (`validating` → `in_progress` |
/// `failed`), finalizing (`finalizing` → `completed` | `expired` | `cancelled`, with the output and error files),
/// and retry. Every transition is conditional on the batch's current status.
extension StoreWrites {
    // MARK: Validation

    /// Inserts a file batch in `validating`, with no jobs. With an idempotency key the tenant already used,
    /// returns the original batch (or throws `idempotencyKeyReused` when `requestHash` differs).
    func insertFileBatch(
        _ batch: NewFileBatch,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data?,
        now: Int64
    ) throws -> Effected<Batch> {
        let reads = StoreReads(db: db)
        if let existing = try existingBatch(tenant: tenant, idempotencyKey: idempotencyKey, requestHash: requestHash) {
            return Effected(value: existing, effects: TransitionEffects())
        }
        try ensureTenant(tenant, now: now)
        try db.run(Self.insertFileBatchSQL) {
            try $0.bind(tenant, at: 1)
            try $0.bind(batch.endpoint, at: 2)
            try $0.bind(batch.completionWindow, at: 3)
            try $0.bind(batch.metadata, at: 4)
            try $0.bind(idempotencyKey, at: 5)
            try $0.bind(now, at: 6)
            try $0.bind(batch.expiresAt.unixMilliseconds, at: 7)
            try $0.bind(batch.inputFileID.rawValue, at: 8)
            try $0.bind(requestHash, at: 9)
        }
        let id = BatchID(db.lastInsertRowID)
        guard let stored = try reads.batch(id, tenant: tenant) else {
            throw JobsError(.sqlite, message: "the inserted batch cannot be read back", sql: Self.insertFileBatchSQL)
        }
        return Effected(value: stored, effects: TransitionEffects())
    }

    /// `validating` → `in_progress`: inserts every job `jobs` hands to `insert` (each job's deadline at most the
    /// batch's expiry) and sets the batch's total. Returns nil (and inserts nothing) when the batch is no longer
    /// `validating` (cancelled meanwhile). Throws `duplicateCustomID` when two jobs share a `custom_id`, and
    /// rethrows what `jobs` throws; the caller's savepoint then rolls everything back.
    func startValidatedBatch(
        _ id: BatchID,
        now: Int64,
        jobs: (_ insert: (NewJob) throws -> Void) throws -> Void
    ) throws -> Effected<(batch: Batch, providers: Set<String>)?> {
        var effects = TransitionEffects()
        let reads = StoreReads(db: db)
        guard let batch = try reads.batch(id), batch.status == .validating else {
            return Effected(value: nil, effects: effects)
        }
        var count = 0
        var providers: Set<String> = []
        do {
            try db.withStatement(Self.insertJobSQL) { statement in
                try jobs { job in
                    try bindInsert(
                        statement,
                        job,
                        tenant: batch.tenant,
                        batch: id.rawValue,
                        deadline: min(job.deadline ?? batch.expiresAt, batch.expiresAt),
                        key: nil,
                        requestHash: nil,
                        now: now
                    )
                    while try statement.step() {}
                    statement.reset()
                    count += 1
                    providers.insert(job.provider)
                }
            }
        } catch let error as JobsError where error.isUniqueViolation(of: "custom_id") {
            throw JobsError(
                .duplicateCustomID,
                message: "two jobs of the batch share a custom_id",
                sqliteCode: error.sqliteCode,
                sql: error.sql
            )
        }
        try db.run(
            """
            UPDATE batches SET status = 'in_progress', in_progress_at = ?1, total = ?2
            WHERE id = ?3 AND status = 'validating'
            """
        ) {
            try $0.bind(now, at: 1)
            try $0.bind(count, at: 2)
            try $0.bind(id.rawValue, at: 3)
        }
        if count == 0, try BatchLedger.settle(batch: id.rawValue, on: db, now: now) {
            effects.batchesFinalizing.append(id)
        }
        guard let started = try reads.batch(id) else { return Effected(value: nil, effects: effects) }
        return Effected(value: (started, providers), effects: effects)
    }

    /// `validating` → `failed`, keeping OpenAI's `errors` object. Returns nil when the batch is no longer
    /// `validating`.
    func failValidation(_ id: BatchID, errors: Data, now: Int64) throws -> Effected<Batch?> {
        let changed = try db.run(
            "UPDATE batches SET status = 'failed', failed_at = ?1, errors = ?2 WHERE id = ?3 AND status = 'validating'"
        ) {
            try $0.bind(now, at: 1)
            try $0.bind(errors, at: 2)
            try $0.bind(id.rawValue, at: 3)
        }
        return try becameFinal(id, changed: changed == 1, now: now)
    }

    /// `validating` → `cancelled` at once: the batch has no jobs yet, and the validator will find it cancelled.
    func cancelValidating(_ batch: Batch, now: Int64) throws -> Effected<Batch?> {
        let changed = try db.run(
            """
            UPDATE batches SET status = 'cancelled', cancelling_at = ?1, cancelled_at = ?1
            WHERE id = ?2 AND status = 'validating'
            """
        ) {
            try $0.bind(now, at: 1)
            try $0.bind(batch.id.rawValue, at: 2)
        }
        return try becameFinal(batch.id, changed: changed == 1, now: now)
    }

    // MARK: Finalizing

    /// `finalizing` → final: inserts the staged output and error files (purpose `batch_output`; a nil file means
    /// there were no such lines, and its id stays null), links them to the batch and moves it to `cancelled` (it
    /// was cancelling), `expired` (a job expired) or `completed`. Returns nil, inserting nothing, when the batch is
    /// not `finalizing` (the caller removes the staged files).
    func finishFinalizing(
        _ id: BatchID,
        output: StagedBatchFile?,
        errors: StagedBatchFile?,
        now: Int64
    ) throws -> Effected<Batch?> {
        let reads = StoreReads(db: db)
        guard let batch = try reads.batch(id), batch.status == .finalizing else {
            return Effected(value: nil, effects: TransitionEffects())
        }
        func insert(_ staged: StagedBatchFile?, kind: String) throws -> FileID? {
            guard let staged else { return nil }
            let file = NewFile(
                purpose: .batchOutput,
                filename: "\(id)_\(kind).jsonl",
                bytes: staged.bytes,
                lines: staged.lines
            )
            return try insertFile(
                file,
                stagedAt: staged.url,
                tenant: batch.tenant,
                idempotencyKey: nil,
                requestHash: nil,
                now: now
            ).id
        }
        let outputID = try insert(output, kind: "output")
        let errorID = try insert(errors, kind: "error")
        let changed = try db.run(Self.finishFinalizingSQL) {
            try $0.bind(now, at: 1)
            try $0.bind(outputID?.rawValue, at: 2)
            try $0.bind(errorID?.rawValue, at: 3)
            try $0.bind(id.rawValue, at: 4)
        }
        return try becameFinal(id, changed: changed == 1, now: now)
    }

    /// Reads back a batch that a transition may have made final, and announces it when it did.
    private func becameFinal(_ id: BatchID, changed: Bool, now: Int64) throws -> Effected<Batch?> {
        var effects = TransitionEffects()
        guard changed, let batch = try StoreReads(db: db).batch(id) else {
            return Effected(value: nil, effects: effects)
        }
        try batchReachedFinalStatus(batch, now: now)
        effects.batchesFinalized.append(id)
        return Effected(value: batch, effects: effects)
    }

    /// Called in the transaction of every move of a batch to a final status (`completed`, `failed`, `expired`,
    /// `cancelled`), after the batch row is updated: the webhook outbox row (`batch.completed`, `batch.failed`,
    /// `batch.expired`, `batch.cancelled`) commits with the transition.
    private func batchReachedFinalStatus(_ batch: Batch, now: Int64) throws {
        try recordBatchFinal(batch.id, tenant: batch.tenant, status: batch.status, now: now)
    }

    // MARK: Retry

    /// A new batch (`retry_of` the original) with a copy of every failed and expired job of a final batch, queued
    /// afresh, with the original's completion window counted from now. With an idempotency key the tenant already
    /// used, returns the batch made the first time (or throws `idempotencyKeyReused` when `requestHash` differs).
    func retryBatch(
        _ id: BatchID,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data?,
        now: Int64
    ) throws -> Effected<(retry: BatchRetry, providers: Set<String>)> {
        let reads = StoreReads(db: db)
        if let existing = try existingBatch(tenant: tenant, idempotencyKey: idempotencyKey, requestHash: requestHash) {
            return Effected(value: (.created(existing), []), effects: TransitionEffects())
        }
        guard let original = try reads.batch(id, tenant: tenant) else {
            return Effected(value: (.notFound, []), effects: TransitionEffects())
        }
        guard original.status.isFinal else {
            return Effected(value: (.notFinal(original.status), []), effects: TransitionEffects())
        }
        let count = try db.withStatement(Self.countRetryableSQL) { statement in
            try statement.bind(id.rawValue, at: 1)
            _ = try statement.step()
            return statement.int(at: 0)
        }
        guard count > 0 else { return Effected(value: (.nothingToRetry, []), effects: TransitionEffects()) }
        let window = original.expiresAt.unixMilliseconds - original.createdAt.unixMilliseconds
        let expiresAt = now + max(0, window)
        try db.run(Self.insertRetryBatchSQL) {
            try $0.bind(tenant, at: 1)
            try $0.bind(original.endpoint, at: 2)
            try $0.bind(original.completionWindow, at: 3)
            try $0.bind(original.metadata, at: 4)
            try $0.bind(idempotencyKey, at: 5)
            try $0.bind(now, at: 6)
            try $0.bind(expiresAt, at: 7)
            try $0.bind(count, at: 8)
            try $0.bind(id.rawValue, at: 9)
            try $0.bind(requestHash, at: 10)
        }
        let retryID = db.lastInsertRowID
        try db.run(Self.copyRetryableJobsSQL) {
            try $0.bind(retryID, at: 1)
            try $0.bind(now, at: 2)
            try $0.bind(expiresAt, at: 3)
            try $0.bind(id.rawValue, at: 4)
        }
        var providers: Set<String> = []
        try db.withStatement("SELECT DISTINCT provider FROM jobs WHERE batch_id = ?1") { statement in
            try statement.bind(retryID, at: 1)
            while try statement.step() { providers.insert(statement.string(at: 0)) }
        }
        guard let batch = try reads.batch(BatchID(retryID), tenant: tenant) else {
            throw JobsError(.sqlite, message: "the retry batch cannot be read back", sql: Self.insertRetryBatchSQL)
        }
        return Effected(value: (.created(batch), providers), effects: TransitionEffects())
    }

    // MARK: SQL

    private static let insertFileBatchSQL = """
        INSERT INTO batches(tenant, endpoint, completion_window, status, metadata, idempotency_key, created_at,
            expires_at, total, input_file_id, request_hash)
        VALUES (?1, ?2, ?3, 'validating', ?4, ?5, ?6, ?7, 0, ?8, ?9)
        """

    // In an UPDATE, every expression reads the row as it was before the update.
    private static let finishFinalizingSQL = """
        UPDATE batches SET
            status = CASE WHEN cancelling_at IS NOT NULL THEN 'cancelled'
                          WHEN expired > 0 THEN 'expired' ELSE 'completed' END,
            completed_at = CASE WHEN cancelling_at IS NULL AND expired = 0 THEN ?1 ELSE completed_at END,
            expired_at = CASE WHEN cancelling_at IS NULL AND expired > 0 THEN ?1 ELSE expired_at END,
            cancelled_at = CASE WHEN cancelling_at IS NOT NULL THEN ?1 ELSE cancelled_at END,
            output_file_id = ?2, error_file_id = ?3
        WHERE id = ?4 AND status = 'finalizing'
        """

    private static let countRetryableSQL = """
        SELECT count(*) FROM jobs WHERE batch_id IS NOT NULL AND batch_id = ?1 AND state IN ('failed', 'expired')
        """

    private static let insertRetryBatchSQL = """
        INSERT INTO batches(tenant, endpoint, completion_window, status, metadata, idempotency_key, created_at,
            expires_at, in_progress_at, total, retry_of, request_hash)
        VALUES (?1, ?2, ?3, 'in_progress', ?4, ?5, ?6, ?7, ?6, ?8, ?9, ?10)
        """

    private static let copyRetryableJobsSQL = """
        INSERT INTO jobs(tenant, batch_id, custom_id, provider, model, endpoint, body, priority, metadata, state,
            max_attempts, run_at, deadline, created_at, updated_at, cache_mode)
        SELECT tenant, ?1, custom_id, provider, model, endpoint, body, priority, metadata, 'queued',
            max_attempts, ?2, ?3, ?2, ?2, cache_mode
        FROM jobs WHERE batch_id IS NOT NULL AND batch_id = ?4 AND state IN ('failed', 'expired')
        ORDER BY id
        """
}
