import struct Foundation.Data
import struct Foundation.Date

/// The write transitions, one method per transition. Runs on the writer thread, inside the caller's savepoint
/// of the current group transaction; a method that throws leaves nothing behind.
struct StoreWrites {
    let db: SQLiteConnection
    /// The webhook outbox's in-memory tenant set and wake-up. Without it the outbox still writes every event,
    /// but checks the tenant's endpoints with one lookup and does not wake the deliverer (it polls).
    var webhooks: WebhookOutbox? = nil

    // MARK: Tenants and keys

    /// Inserts the tenant unless it exists; returns whether it was inserted.
    @discardableResult
    func ensureTenant(_ id: String, now: Int64) throws -> Bool {
        try db.run("INSERT INTO tenants(id, created_at) VALUES (?1, ?2) ON CONFLICT(id) DO NOTHING") {
            try $0.bind(id, at: 1)
            try $0.bind(now, at: 2)
        } == 1
    }

    func insertAPIKey(tenant: String, keyHash: Data, prefix: String, now: Int64) throws {
        try ensureTenant(tenant, now: now)
        try db.run("INSERT INTO api_keys(tenant, key_hash, prefix, created_at) VALUES (?1, ?2, ?3, ?4)") {
            try $0.bind(tenant, at: 1)
            try $0.bind(keyHash, at: 2)
            try $0.bind(prefix, at: 3)
            try $0.bind(now, at: 4)
        }
    }

    // MARK: Submit

    /// With an idempotency key the tenant already used, returns the original job, or throws
    /// `JobsError.Code.idempotencyKeyReused` when `requestHash` differs from the original's.
    func insertJob(
        _ job: NewJob,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data? = nil,
        now: Int64
    ) throws -> Job {
        let reads = StoreReads(db: db)
        if let idempotencyKey, let existing = try reads.job(tenant: tenant, idempotencyKey: idempotencyKey) {
            try Self.checkRequestHash(
                stored: try reads.jobRequestHash(tenant: tenant, idempotencyKey: idempotencyKey),
                given: requestHash
            )
            return existing
        }
        try ensureTenant(tenant, now: now)
        try db.withStatement(Self.insertJobSQL) { statement in
            try bindInsert(
                statement,
                job,
                tenant: tenant,
                batch: nil,
                deadline: job.deadline,
                key: idempotencyKey,
                requestHash: requestHash,
                now: now
            )
            while try statement.step() {}
        }
        let id = JobID(db.lastInsertRowID)
        guard let stored = try reads.job(id, tenant: tenant) else {
            throw JobsError(.sqlite, message: "the inserted job cannot be read back", sql: Self.insertJobSQL)
        }
        return stored
    }

    /// Inserts the batch row and every job with one cached INSERT reused per row. With an idempotency key the
    /// tenant already used, returns the original batch, or throws `JobsError.Code.idempotencyKeyReused` when
    /// `requestHash` differs from the original's.
    func insertBatch(
        _ batch: NewBatch,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data? = nil,
        now: Int64
    ) throws -> Batch {
        let reads = StoreReads(db: db)
        if let existing = try existingBatch(tenant: tenant, idempotencyKey: idempotencyKey, requestHash: requestHash) {
            return existing
        }
        try ensureTenant(tenant, now: now)
        try db.run(Self.insertBatchSQL) {
            try $0.bind(tenant, at: 1)
            try $0.bind(batch.endpoint, at: 2)
            try $0.bind(batch.completionWindow, at: 3)
            try $0.bind(batch.metadata, at: 4)
            try $0.bind(idempotencyKey, at: 5)
            try $0.bind(now, at: 6)
            try $0.bind(batch.expiresAt.unixMilliseconds, at: 7)
            try $0.bind(batch.jobs.count, at: 8)
            try $0.bind(requestHash, at: 9)
        }
        let batchID = db.lastInsertRowID
        do {
            try db.withStatement(Self.insertJobSQL) { statement in
                for job in batch.jobs {
                    // A batch's jobs must be final by the batch's expiry.
                    let deadline = min(job.deadline ?? batch.expiresAt, batch.expiresAt)
                    try bindInsert(
                        statement,
                        job,
                        tenant: tenant,
                        batch: batchID,
                        deadline: deadline,
                        key: nil,
                        requestHash: nil,
                        now: now
                    )
                    while try statement.step() {}
                    statement.reset()
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
        if batch.jobs.isEmpty { _ = try BatchLedger.settle(batch: batchID, on: db, now: now) }
        guard let stored = try reads.batch(BatchID(batchID), tenant: tenant) else {
            throw JobsError(.sqlite, message: "the inserted batch cannot be read back", sql: Self.insertBatchSQL)
        }
        return stored
    }

    func bindInsert(
        _ statement: SQLiteStatement,
        _ job: NewJob,
        tenant: String,
        batch: Int64?,
        deadline: Date?,
        key: String?,
        requestHash: Data?,
        now: Int64
    ) throws {
        try statement.bind(tenant, at: 1)
        try statement.bind(batch, at: 2)
        try statement.bind(job.customID, at: 3)
        try statement.bind(job.provider, at: 4)
        try statement.bind(job.model, at: 5)
        try statement.bind(job.endpoint, at: 6)
        try statement.bind(job.body, at: 7)
        try statement.bind(job.priority, at: 8)
        try statement.bind(job.metadata, at: 9)
        try statement.bind(max(1, job.maxAttempts), at: 10)
        try statement.bind(job.runAt?.unixMilliseconds ?? now, at: 11)
        try statement.bind(deadline?.unixMilliseconds, at: 12)
        try statement.bind(key, at: 13)
        try statement.bind(now, at: 14)
        try statement.bind(job.cache.rawValue, at: 15)
        try statement.bind(requestHash, at: 16)
    }

    static let insertJobSQL = """
        INSERT INTO jobs(tenant, batch_id, custom_id, provider, model, endpoint, body, priority, metadata, state,
            max_attempts, run_at, deadline, idempotency_key, created_at, updated_at, cache_mode, request_hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', ?10, ?11, ?12, ?13, ?14, ?14, ?15, ?16)
        """

    private static let insertBatchSQL = """
        INSERT INTO batches(tenant, endpoint, completion_window, status, metadata, idempotency_key, created_at,
            expires_at, in_progress_at, total, request_hash)
        VALUES (?1, ?2, ?3, 'in_progress', ?4, ?5, ?6, ?7, ?6, ?8, ?9)
        """

    // MARK: Cancel

    func cancelJob(_ id: JobID, tenant: String, now: Int64) throws -> Effected<Job?> {
        var effects = TransitionEffects()
        let reads = StoreReads(db: db)
        guard let job = try reads.job(id, tenant: tenant) else { return Effected(value: nil, effects: effects) }
        var ledger = BatchLedger()
        switch job.state {
        case .queued:
            try db.run(Self.cancelQueuedJobSQL) {
                try $0.bind(now, at: 1)
                try $0.bind(id.rawValue, at: 2)
            }
            ledger.record(batch: job.batchID?.rawValue, state: .cancelled)
            effects.finalized.append(id)
            try recordJobFinal(id, tenant: tenant, batch: job.batchID?.rawValue, state: .cancelled, now: now)
        case .running where !job.cancelRequested:
            try db.run("UPDATE jobs SET cancel_requested = 1, updated_at = ?1 WHERE id = ?2 AND state = 'running'") {
                try $0.bind(now, at: 1)
                try $0.bind(id.rawValue, at: 2)
            }
            effects.cancellationRequested.append(id)
        default:
            break
        }
        effects.batchesFinalizing += try ledger.apply(on: db, now: now)
        return Effected(value: try reads.job(id, tenant: tenant), effects: effects)
    }

    /// `validating` → `cancelled` at once (no jobs yet); `in_progress` → `cancelling`: queued jobs are cancelled
    /// at once, running ones are asked to stop, and the batch moves to `finalizing` once every job is final.
    /// A `finalizing` or final batch is returned as it is.
    func cancelBatch(_ id: BatchID, tenant: String, now: Int64) throws -> Effected<Batch?> {
        var effects = TransitionEffects()
        let reads = StoreReads(db: db)
        guard let batch = try reads.batch(id, tenant: tenant) else { return Effected(value: nil, effects: effects) }
        switch batch.status {
        case .validating:
            return try cancelValidating(batch, now: now)
        case .inProgress, .cancelling:
            break
        case .finalizing, .completed, .failed, .expired, .cancelled:
            return Effected(value: batch, effects: effects)
        }
        try db.run(
            "UPDATE batches SET status = 'cancelling', cancelling_at = ?1 WHERE id = ?2 AND status = 'in_progress'"
        ) {
            try $0.bind(now, at: 1)
            try $0.bind(id.rawValue, at: 2)
        }
        var ledger = BatchLedger()
        try db.withStatement(Self.cancelQueuedOfBatchSQL) { statement in
            try statement.bind(now, at: 1)
            try statement.bind(id.rawValue, at: 2)
            while try statement.step() {
                effects.finalized.append(JobID(statement.int64(at: 0)))
                ledger.record(batch: id.rawValue, state: .cancelled)
            }
        }
        try db.withStatement(Self.requestCancelOfBatchSQL) { statement in
            try statement.bind(now, at: 1)
            try statement.bind(id.rawValue, at: 2)
            while try statement.step() { effects.cancellationRequested.append(JobID(statement.int64(at: 0))) }
        }
        effects.batchesFinalizing += try ledger.apply(on: db, now: now)
        // With nothing running, the batch is settled now (the ledger settles only batches it touched).
        if effects.batchesFinalizing.isEmpty, try BatchLedger.settle(batch: id.rawValue, on: db, now: now) {
            effects.batchesFinalizing.append(id)
        }
        return Effected(value: try reads.batch(id, tenant: tenant), effects: effects)
    }

    private static let cancelQueuedJobSQL = """
        UPDATE jobs SET state = 'cancelled', finished_at = ?1, updated_at = ?1,
            error_code = 'cancelled', error_message = 'The job was cancelled.'
        WHERE id = ?2 AND state = 'queued'
        """

    private static let cancelQueuedOfBatchSQL = """
        UPDATE jobs SET state = 'cancelled', finished_at = ?1, updated_at = ?1,
            error_code = 'cancelled', error_message = 'The job was cancelled.'
        WHERE batch_id = ?2 AND state = 'queued'
        RETURNING id
        """

    private static let requestCancelOfBatchSQL = """
        UPDATE jobs SET cancel_requested = 1, updated_at = ?1
        WHERE batch_id = ?2 AND state = 'running' AND cancel_requested = 0
        RETURNING id
        """
}

extension JobsError {
    /// Whether this is SQLite's UNIQUE constraint failure (extended code 2067) naming `column`.
    func isUniqueViolation(of column: String) -> Bool {
        sqliteCode == 2067 && message.contains(column)
    }
}
