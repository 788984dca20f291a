/// The worker's transitions. Every transition out of `running` is conditional on
/// `state = 'running' AND lease_token = ?`: a stale lease changes nothing and reports `false`.
extension StoreWrites {
    /// What a running job looks like to a transition that must decide where it goes.
    private struct RunningJob {
        var id: JobID
        var token: Int64
        var cancelRequested: Int64
        var attempt: Int
        var maxAttempts: Int
    }

    /// Extends every lease still held; reports the cancellation requests among them and the leases not held.
    func heartbeat(_ leases: [JobLease], leaseMilliseconds: Int64, now: Int64) throws -> LeaseRenewal {
        var renewal = LeaseRenewal(cancelRequested: [], lost: [])
        try db.withStatement(Self.heartbeatSQL) { statement in
            for lease in leases {
                try statement.bind(now + leaseMilliseconds, at: 1)
                try statement.bind(now, at: 2)
                try statement.bind(lease.jobID.rawValue, at: 3)
                try statement.bind(lease.token, at: 4)
                var held = false
                while try statement.step() {
                    held = true
                    if statement.int64(at: 0) != 0 { renewal.cancelRequested.insert(lease.jobID) }
                }
                if !held { renewal.lost.insert(lease) }
                statement.reset()
            }
        }
        return renewal
    }

    /// running → succeeded; the answer is billed in the ledger with `charge`.
    func complete(_ lease: JobLease, response: JobResponse, charge: Charge, now: Int64) throws -> Effected<Bool> {
        try finish(lease, as: .succeeded, response: response, failure: nil, charge: charge, now: now)
    }

    /// running → failed; a provider answer that is billed (one that reported usage) gets its ledger row.
    func fail(
        _ lease: JobLease,
        response: JobResponse?,
        failure: JobFailure,
        charge: Charge,
        now: Int64
    ) throws
        -> Effected<Bool>
    {
        try finish(lease, as: .failed, response: response, failure: failure, charge: charge, now: now)
    }

    /// running → queued at `runAt`; the attempt is given back unless `countsAttempt`.
    /// A job whose cancellation was requested ends `cancelled` (or `expired`) instead, and a counted retry with
    /// no attempt left ends `failed`: a queued job always has an attempt to run.
    /// The provider's answer, when it is billed (it reported usage), gets its ledger row whatever the outcome.
    func retry(
        _ lease: JobLease,
        runAt: Int64,
        failure: JobFailure?,
        countsAttempt: Bool,
        response: JobResponse?,
        charge: Charge,
        now: Int64
    ) throws -> Effected<Bool> {
        guard let job = try running(lease) else { return Effected(value: false, effects: TransitionEffects()) }
        if let response, Self.isBilled(response, billing: charge.billing), let billed = try billedJob(job.id) {
            try bill(billed, response: response, charge: charge, now: now)
        }
        if job.cancelRequested != 0 {
            return try finishCancelled(job, now: now)
        }
        if countsAttempt && job.attempt >= job.maxAttempts {
            let reason = failure ?? JobFailure(code: "max_attempts", message: "The job used up its attempts.")
            return try finish(lease, as: .failed, response: nil, failure: reason, now: now)
        }
        try requeue(job, runAt: runAt, attemptsGivenBack: countsAttempt ? 0 : 1, failure: failure, now: now)
        return Effected(value: true, effects: TransitionEffects())
    }

    func acknowledgeCancel(_ lease: JobLease, now: Int64) throws -> Effected<Bool> {
        guard let job = try running(lease) else { return Effected(value: false, effects: TransitionEffects()) }
        return try finishCancelled(job, now: now)
    }

    // MARK: Maintenance

    /// running → queued for expired leases (the attempt stays used), or failed with `lease_expired` when no
    /// attempt is left; a job whose cancellation was requested ends cancelled (or expired).
    func rescueExpiredLeases(now: Int64) throws -> Effected<Int> {
        try rescue(try runningJobs(sql: Self.expiredLeasesSQL, now: now), givingAttemptBack: false, now: now)
    }

    /// running → queued for every running job, giving its attempt back (start-up recovery).
    func rescueAllRunning(now: Int64) throws -> Effected<Int> {
        try rescue(try runningJobs(sql: Self.allRunningSQL, now: now), givingAttemptBack: true, now: now)
    }

    /// queued past the deadline → expired (`batch_expired`); running past the deadline → cancellation
    /// requested (`cancel_requested = 2`), so the worker stops and the job ends expired.
    /// Returns how many jobs were expired or flagged.
    func expireOverdue(now: Int64) throws -> Effected<Int> {
        struct ExpiredJobNotice {
            var id: JobID
            var tenant: String
            var batch: Int64?
            var webhookURL: String?
        }
        var effects = TransitionEffects()
        var ledger = BatchLedger()
        var notices: [ExpiredJobNotice] = []
        try db.withStatement(Self.expireQueuedSQL) { statement in
            try statement.bind(now, at: 1)
            while try statement.step() {
                effects.finalized.append(JobID(statement.int64(at: 0)))
                ledger.record(batch: statement.optionalInt64(at: 1), state: .expired)
                // Only jobs outside batches, or with their own URL, have events (checked without a lookup).
                if statement.isNull(at: 1) || !statement.isNull(at: 3) {
                    notices.append(
                        ExpiredJobNotice(
                            id: JobID(statement.int64(at: 0)),
                            tenant: statement.string(at: 2),
                            batch: statement.optionalInt64(at: 1),
                            webhookURL: statement.optionalString(at: 3)
                        )
                    )
                }
            }
        }
        try db.withStatement(Self.flagOverdueRunningSQL) { statement in
            try statement.bind(now, at: 1)
            while try statement.step() { effects.cancellationRequested.append(JobID(statement.int64(at: 0))) }
        }
        for notice in notices {
            try recordJobFinal(
                notice.id,
                tenant: notice.tenant,
                batch: notice.batch,
                webhookURL: notice.webhookURL,
                state: .expired,
                now: now
            )
        }
        effects.batchesFinalizing += try ledger.apply(on: db, now: now)
        return Effected(value: effects.finalized.count + effects.cancellationRequested.count, effects: effects)
    }

    // MARK: Building blocks

    private func rescue(_ jobs: [RunningJob], givingAttemptBack: Bool, now: Int64) throws -> Effected<Int> {
        var effects = TransitionEffects()
        let leaseExpired = JobFailure(code: "lease_expired", message: "The worker's lease expired.")
        for job in jobs {
            let lease = JobLease(jobID: job.id, token: job.token)
            if job.cancelRequested != 0 {
                effects.formUnion(try finishCancelled(job, now: now).effects)
            } else if !givingAttemptBack && job.attempt >= job.maxAttempts {
                effects.formUnion(
                    try finish(lease, as: .failed, response: nil, failure: leaseExpired, now: now).effects
                )
            } else {
                try requeue(
                    job,
                    runAt: now,
                    attemptsGivenBack: givingAttemptBack ? 1 : 0,
                    failure: givingAttemptBack ? nil : leaseExpired,
                    now: now
                )
            }
        }
        return Effected(value: jobs.count, effects: effects)
    }

    private func finishCancelled(_ job: RunningJob, now: Int64) throws -> Effected<Bool> {
        let lease = JobLease(jobID: job.id, token: job.token)
        if job.cancelRequested == 2 {
            return try finish(lease, as: .expired, response: nil, failure: Self.deadlinePassed, now: now)
        }
        let cancelled = JobFailure(code: "cancelled", message: "The job was cancelled.")
        return try finish(lease, as: .cancelled, response: nil, failure: cancelled, now: now)
    }

    static let deadlinePassed = JobFailure(
        code: "batch_expired",
        message: "The job did not finish before its deadline."
    )

    /// running → a final state, if the lease still matches; counts it in its batch, and bills the answer in the
    /// cost ledger when a `charge` is given (the worker's complete and fail paths).
    private func finish(
        _ lease: JobLease,
        as state: JobState,
        response: JobResponse?,
        failure: JobFailure?,
        charge: Charge? = nil,
        now: Int64
    ) throws -> Effected<Bool> {
        var matched = false
        var billed: BilledJob?
        var webhookURL: String?
        var ledger = BatchLedger()
        try db.withStatement(Self.finishSQL) { statement in
            try statement.bind(state.rawValue, at: 1)
            try statement.bind(now, at: 2)
            try statement.bind(response?.statusCode, at: 3)
            try statement.bind(response?.requestID, at: 4)
            try statement.bind(response?.body, at: 5)
            try statement.bind(response?.usage?.promptTokens, at: 6)
            try statement.bind(response?.usage?.completionTokens, at: 7)
            try statement.bind(response?.usage?.cachedTokens, at: 8)
            try statement.bind(failure?.code, at: 9)
            try statement.bind(failure?.message, at: 10)
            try statement.bind(lease.jobID.rawValue, at: 11)
            try statement.bind(lease.token, at: 12)
            while try statement.step() {
                matched = true
                ledger.record(batch: statement.optionalInt64(at: 0), state: state, usage: response?.usage)
                billed = Self.billedJob(statement, from: 1)
                webhookURL = statement.optionalString(at: 7)
            }
        }
        guard matched else { return Effected(value: false, effects: TransitionEffects()) }
        if let charge, let response, let billed {
            try bill(billed, response: response, charge: charge, now: now)
        }
        let finalizing = try ledger.apply(on: db, now: now)
        if let billed {
            try recordJobFinal(
                lease.jobID,
                tenant: billed.tenant,
                batch: billed.batch,
                webhookURL: webhookURL,
                state: state,
                now: now
            )
        }
        return Effected(
            value: true,
            effects: TransitionEffects(finalized: [lease.jobID], batchesFinalizing: finalizing)
        )
    }

    private func requeue(
        _ job: RunningJob,
        runAt: Int64,
        attemptsGivenBack: Int,
        failure: JobFailure?,
        now: Int64
    )
        throws
    {
        try db.run(Self.requeueSQL) {
            try $0.bind(runAt, at: 1)
            try $0.bind(attemptsGivenBack, at: 2)
            try $0.bind(now, at: 3)
            try $0.bind(failure?.code, at: 4)
            try $0.bind(failure?.message, at: 5)
            try $0.bind(job.id.rawValue, at: 6)
            try $0.bind(job.token, at: 7)
        }
    }

    private func running(_ lease: JobLease) throws -> RunningJob? {
        try db.withStatement(Self.runningByLeaseSQL) { statement in
            try statement.bind(lease.jobID.rawValue, at: 1)
            try statement.bind(lease.token, at: 2)
            return try statement.step() ? Self.runningJob(statement) : nil
        }
    }

    private func runningJobs(sql: String, now: Int64) throws -> [RunningJob] {
        try db.withStatement(sql) { statement in
            try statement.bind(now, at: 1)
            var jobs: [RunningJob] = []
            while try statement.step() { jobs.append(Self.runningJob(statement)) }
            return jobs
        }
    }

    private static func runningJob(_ row: SQLiteStatement) -> RunningJob {
        RunningJob(
            id: JobID(row.int64(at: 0)),
            token: row.int64(at: 1),
            cancelRequested: row.int64(at: 2),
            attempt: row.int(at: 3),
            maxAttempts: row.int(at: 4)
        )
    }

    // MARK: SQL

    private static let heartbeatSQL = """
        UPDATE jobs SET lease_expires_at = ?1, updated_at = ?2
        WHERE id = ?3 AND state = 'running' AND lease_token = ?4
        RETURNING cancel_requested
        """

    private static let finishSQL = """
        UPDATE jobs SET state = ?1, finished_at = ?2, updated_at = ?2, lease_token = NULL, lease_expires_at = NULL,
            response_status = ?3, response_request_id = ?4, response_body = ?5,
            prompt_tokens = ?6, completion_tokens = ?7, cached_tokens = ?8,
            error_code = ?9, error_message = ?10
        WHERE id = ?11 AND state = 'running' AND lease_token = ?12
        RETURNING batch_id, \(billedJobColumns), webhook_url
        """

    private static let requeueSQL = """
        UPDATE jobs SET state = 'queued', run_at = ?1, attempt = attempt - ?2, updated_at = ?3,
            lease_token = NULL, lease_expires_at = NULL,
            error_code = coalesce(?4, error_code),
            error_message = CASE WHEN ?4 IS NULL THEN error_message ELSE ?5 END
        WHERE id = ?6 AND state = 'running' AND lease_token = ?7
        """

    private static let runningColumns = "id, lease_token, cancel_requested, attempt, max_attempts"

    private static let runningByLeaseSQL = """
        SELECT \(runningColumns) FROM jobs WHERE id = ?1 AND state = 'running' AND lease_token = ?2
        """

    private static let expiredLeasesSQL = """
        SELECT \(runningColumns) FROM jobs WHERE state = 'running' AND lease_expires_at < ?1 ORDER BY id
        """

    // `?1` is unused but keeps the shape of `runningJobs(sql:now:)`.
    private static let allRunningSQL = """
        SELECT \(runningColumns) FROM jobs WHERE state = 'running' AND ?1 IS NOT NULL ORDER BY id
        """

    // The first two terms repeat the partial index's WHERE so the planner can use `jobs_deadline`.
    private static let expireQueuedSQL = """
        UPDATE jobs SET state = 'expired', finished_at = ?1, updated_at = ?1,
            error_code = 'batch_expired', error_message = 'The job did not finish before its deadline.'
        WHERE state IN ('queued','running') AND deadline IS NOT NULL AND deadline <= ?1 AND state = 'queued'
        RETURNING id, batch_id, tenant, webhook_url
        """

    private static let flagOverdueRunningSQL = """
        UPDATE jobs SET cancel_requested = 2, updated_at = ?1
        WHERE state IN ('queued','running') AND deadline IS NOT NULL AND deadline <= ?1 AND state = 'running'
            AND cancel_requested = 0
        RETURNING id
        """
}
