package import Foundation
package import Logging
import Synchronization

/// The durable queue: one SQLite file, one group-commit writer thread, a few reader connections.
///
/// Every write goes through the writer, which gathers the pending writes of many callers into one
/// `BEGIN IMMEDIATE … COMMIT` and resumes each caller only after the commit is durable.
/// Every transition out of `running` is conditional on the lease token.
///
/// ```swift
/// let store = try JobStore(configuration: .init(path: "sluice-data/sluice.sqlite"), logger: logger)
/// let batch = try await store.insertBatch(newBatch, tenant: "default", idempotencyKey: nil)
/// let claimed = try await store.claim(provider: "mock", limit: 32, leaseDuration: .seconds(60))
/// ```
package final class JobStore: Sendable {
    package struct Configuration: Sendable {
        /// How durable a commit is before it is acknowledged.
        package enum Synchronous: String, Sendable {
            case full = "FULL"
            case normal = "NORMAL"
        }

        /// The database file path.
        package var path: String
        /// `PRAGMA synchronous`; `.full` by default (acknowledged means durable).
        package var synchronous: Synchronous
        /// Number of read connections (default 2).
        package var readers: Int
        /// Most writes gathered into one transaction (default 512).
        package var maxWritesPerCommit: Int
        /// How long a connection waits for a lock held by another process before failing (default 5 s).
        package var busyTimeout: Duration
        /// The prices billed answers are charged at in the cost ledger (default: ``PriceTable/builtin``).
        package var prices: PriceTable

        package init(
            path: String,
            synchronous: Synchronous = .full,
            readers: Int = 2,
            maxWritesPerCommit: Int = 512,
            busyTimeout: Duration = .seconds(5),
            prices: PriceTable = .builtin
        ) {
            self.path = path
            self.synchronous = synchronous
            self.readers = readers
            self.maxWritesPerCommit = maxWritesPerCommit
            self.busyTimeout = busyTimeout
            self.prices = prices
        }
    }

    package let configuration: Configuration
    private let logger: Logger
    let writer: GroupCommitWriter
    let readers: ReaderPool
    private let waiters = FinalWaiters<JobID>()
    private let cancellations = Broadcaster<JobID>()
    let insertions = Broadcaster<String>()
    /// Batch lifecycle signals (see `JobStore+BatchLifecycle.swift`): long-polls on batches, and the batches the
    /// validator and the finalizer have to take up.
    let batchWaiters = FinalWaiters<BatchID>()
    let batchesToValidate = Broadcaster<BatchID>()
    let batchesToFinalize = Broadcaster<BatchID>()
    /// Where each provider's next fair claim starts among the tenants.
    private let claimRotation = ClaimRotation()
    /// Jobs made final by this process's commits (the dashboard's throughput; see `finishedJobCount`).
    private let finishedJobs = Atomic<Int>(0)
    /// The webhook outbox's tenants with active endpoints and the deliverer's wake-up (`JobStore+Webhooks.swift`).
    let webhookOutbox = WebhookOutbox()

    /// Opens (creating when missing) and migrates the database, and starts the writer thread.
    ///
    /// Blocks the calling thread until the database is open and migrated; call it at start-up.
    package init(configuration: Configuration, logger: Logger) throws {
        precondition(configuration.readers > 0, "a store needs at least one reader")
        precondition(configuration.maxWritesPerCommit > 0, "maxWritesPerCommit must be positive")
        self.configuration = configuration
        self.logger = logger
        let directory = URL(fileURLWithPath: configuration.path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw JobsError(.notOpen, message: "cannot create the data directory: \(error.localizedDescription)")
        }
        let options = SQLiteConnection.Options(
            synchronous: configuration.synchronous.rawValue,
            busyTimeoutMilliseconds: Int(configuration.busyTimeout.wholeMilliseconds)
        )
        self.writer = try GroupCommitWriter(
            path: configuration.path,
            options: options,
            maxWritesPerCommit: configuration.maxWritesPerCommit,
            logger: logger
        )
        do {
            self.readers = try ReaderPool(path: configuration.path, options: options, count: configuration.readers)
        } catch {
            writer.close()
            throw error
        }
    }

    deinit { close() }

    /// Stops the writer after the pending writes are committed and closes every connection. Idempotent.
    ///
    /// Blocks the calling thread until the database threads stopped; call it at shutdown.
    package func close() {
        writer.close()
        readers.close()
        cancellations.finish()
        insertions.finish()
        batchesToValidate.finish()
        batchesToFinalize.finish()
        webhookOutbox.finish()
        waiters.wakeAll()
        batchWaiters.wakeAll()
    }

    // MARK: Tenants and API keys

    /// Creates the tenant when it does not exist yet. Returns whether it was created.
    @discardableResult
    package func createTenant(_ id: String, now: Date = Date()) async throws -> Bool {
        let now = now.unixMilliseconds
        return try await writer.write { db in try StoreWrites(db: db).ensureTenant(id, now: now) }
    }

    package func tenantExists(_ id: String) async throws -> Bool {
        try await readers.read { db in try StoreReads(db: db).tenantExists(id) }
    }

    /// Stores an API key by its SHA-256 hash (never the key); `prefix` is a short, non-secret label for listings.
    /// Creates the tenant when it does not exist yet.
    package func insertAPIKey(tenant: String, keyHash: Data, prefix: String, now: Date = Date()) async throws {
        let now = now.unixMilliseconds
        try await writer.write { db in
            try StoreWrites(db: db).insertAPIKey(tenant: tenant, keyHash: keyHash, prefix: prefix, now: now)
        }
    }

    /// The tenant owning the key with this hash, if the key exists and is not revoked.
    package func tenant(forKeyHash keyHash: Data) async throws -> String? {
        try await readers.read { db in try StoreReads(db: db).tenant(forKeyHash: keyHash) }
    }

    // MARK: Submit

    /// Inserts one job (no batch). With an idempotency key already used by the tenant, returns the original job,
    /// or throws `JobsError.Code.idempotencyKeyReused` when `requestHash` (SHA-256 of the create request) differs
    /// from the original's. Creates the tenant when it does not exist yet.
    package func insertJob(
        _ job: NewJob,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data? = nil,
        now: Date = Date()
    ) async throws
        -> Job
    {
        let now = now.unixMilliseconds
        let stored = try await writer.write { db in
            let stored = try StoreWrites(db: db).insertJob(
                job,
                tenant: tenant,
                idempotencyKey: idempotencyKey,
                requestHash: requestHash,
                now: now
            )
            if let url = job.webhookURL {
                try StoreWrites(db: db).setJobWebhookURL(stored.id, url: url, tenant: tenant, now: now)
            }
            return stored
        }
        insertions.publish(CollectionOfOne(job.provider))
        return stored
    }

    /// Inserts a batch and all its jobs in one transaction. With an idempotency key already used by the tenant,
    /// returns the original batch and inserts nothing (`JobsError.Code.idempotencyKeyReused` when `requestHash`
    /// differs from the original's). Each job's deadline is at most the batch's `expiresAt`.
    /// Throws `JobsError.Code.duplicateCustomID` (and inserts nothing) when two jobs share a `custom_id`.
    package func insertBatch(
        _ batch: NewBatch,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data? = nil,
        now: Date = Date()
    )
        async throws -> Batch
    {
        let now = now.unixMilliseconds
        let stored = try await writer.write { db in
            try self.writes(db).insertBatch(
                batch,
                tenant: tenant,
                idempotencyKey: idempotencyKey,
                requestHash: requestHash,
                now: now
            )
        }
        insertions.publish(Set(batch.jobs.map(\.provider)))
        return stored
    }

    // MARK: Reads (tenant-scoped: another tenant's id reads as nil)

    package func job(_ id: JobID, tenant: String) async throws -> Job? {
        try await readers.read { db in try StoreReads(db: db).job(id, tenant: tenant) }
    }

    /// Newest first; `after` is a cursor (ids older than it).
    package func jobs(
        tenant: String,
        state: JobState?,
        batch: BatchID?,
        after: JobID?,
        limit: Int
    ) async throws
        -> [Job]
    {
        try await readers.read { db in
            try StoreReads(db: db).jobs(tenant: tenant, state: state, batch: batch, after: after, limit: limit)
        }
    }

    package func batch(_ id: BatchID, tenant: String) async throws -> Batch? {
        try await readers.read { db in try StoreReads(db: db).batch(id, tenant: tenant) }
    }

    /// Newest first; `after` is a cursor (ids older than it).
    package func batches(tenant: String, after: BatchID?, limit: Int) async throws -> [Batch] {
        try await readers.read { db in try StoreReads(db: db).batches(tenant: tenant, after: after, limit: limit) }
    }

    /// The batch's final jobs in id order, `limit` at a time after `after`: the pages of the results stream.
    /// Not tenant-scoped: check the batch belongs to the tenant first.
    package func finalJobs(ofBatch id: BatchID, after: JobID?, limit: Int) async throws -> [Job] {
        try await readers.read { db in try StoreReads(db: db).finalJobs(ofBatch: id, after: after, limit: limit) }
    }

    /// Waits until the job is final or the timeout passes, then returns it as it is (nil if it is not the tenant's).
    ///
    /// Woken by the commit that makes the job final (no polling). Cancelling the calling task ends the wait early.
    package func waitUntilFinal(_ id: JobID, tenant: String, timeout: Duration) async throws -> Job? {
        try await waiters.waitUntilFinal(
            id,
            timeout: timeout,
            read: { try await job(id, tenant: tenant) },
            isFinal: { $0.state.isFinal }
        )
    }

    // MARK: Cancel

    /// Queued → cancelled at once; running → `cancel_requested`, which the worker sees and acts on.
    /// Returns the job as it is after the request, nil if it is not the tenant's.
    package func cancelJob(_ id: JobID, tenant: String, now: Date = Date()) async throws -> Job? {
        let now = now.unixMilliseconds
        let result = try await writer.write { db in try self.writes(db).cancelJob(id, tenant: tenant, now: now) }
        publish(result.effects)
        return result.value
    }

    /// Cancels every queued job of the batch at once and requests cancellation of its running ones;
    /// the batch is `cancelling` until they settle, then `cancelled`.
    package func cancelBatch(_ id: BatchID, tenant: String, now: Date = Date()) async throws -> Batch? {
        let now = now.unixMilliseconds
        let result = try await writer.write { db in
            try self.writes(db).cancelBatch(id, tenant: tenant, now: now)
        }
        publish(result.effects)
        return result.value
    }

    /// An in-process stream of cancellation requests for running jobs, so a worker can abort the transfer at once.
    /// Each call returns a new subscription; every subscription receives every request. Ends when the store closes.
    package func cancellationRequests() -> AsyncStream<JobID> { cancellations.subscribe() }

    /// How many jobs this store's commits made final since it opened (succeeded, failed, cancelled or expired);
    /// it only grows. A sampler reads it twice to get the jobs finished in between.
    package var finishedJobCount: Int { finishedJobs.load(ordering: .relaxed) }

    /// How many `waitUntilFinal` calls (long-polls) are waiting right now.
    package var pendingFinalWaits: Int { waiters.count }

    /// An in-process stream of provider names, published after each commit that inserted runnable work for them,
    /// so an idle lane claims at once instead of at its next poll.
    package func workInserted() -> AsyncStream<String> { insertions.subscribe() }

    // MARK: Worker transitions (each conditional on the lease token; `false` means the lease was stale)

    /// Claims up to `limit` runnable jobs of the provider (queued, `run_at <= now`), fairly across tenants:
    /// tenants in rotation each get an equal share while they have work, and within a tenant the highest priority
    /// goes first, then FIFO (see `StoreWrites.claimFairly`). One write transaction; each job gets a fresh lease
    /// token and `attempt + 1`. Jobs whose deadline passed are not claimed. The result interleaves the tenants.
    package func claim(
        provider: String,
        limit: Int,
        leaseDuration: Duration,
        now: Date = Date()
    ) async throws
        -> [ClaimedJob]
    {
        let now = now.unixMilliseconds
        let lease = leaseDuration.wholeMilliseconds
        let rotation = claimRotation
        return try await writer.write { db in
            let claim = try StoreWrites(db: db).claimFairly(
                provider: provider,
                limit: limit,
                leaseMilliseconds: lease,
                now: now,
                after: rotation.lastTenant(provider: provider)
            )
            rotation.served(claim.lastServed, provider: provider)
            return claim.jobs
        }
    }

    /// Extends the leases still held; returns the ids among them whose cancellation was requested.
    /// (`renewLeases` also says which leases were lost.)
    package func heartbeat(
        _ leases: [JobLease],
        leaseDuration: Duration,
        now: Date = Date()
    ) async throws
        -> Set<JobID>
    {
        try await renewLeases(leases, leaseDuration: leaseDuration, now: now).cancelRequested
    }

    /// Extends the leases still held, in one write; reports the jobs among them whose cancellation was requested,
    /// and the leases that are no longer held (the job was taken back, or is final), whose calls a worker should
    /// abort: their answers would be dropped.
    package func renewLeases(
        _ leases: [JobLease],
        leaseDuration: Duration,
        now: Date = Date()
    ) async throws
        -> LeaseRenewal
    {
        guard !leases.isEmpty else { return LeaseRenewal(cancelRequested: [], lost: []) }
        let now = now.unixMilliseconds
        let lease = leaseDuration.wholeMilliseconds
        return try await writer.write { db in
            try StoreWrites(db: db).heartbeat(leases, leaseMilliseconds: lease, now: now)
        }
    }

    /// running → succeeded, storing the answer and, in the same transaction, its cost-ledger row (priced with
    /// ``Configuration/prices`` as `billing` says) and the cost sums of the job and its batch.
    package func complete(
        _ lease: JobLease,
        response: JobResponse,
        billing: Billing = .standard,
        now: Date = Date()
    )
        async throws -> Bool
    {
        let now = now.unixMilliseconds
        let charge = StoreWrites.Charge(prices: configuration.prices, billing: billing)
        let result = try await writer.write { db in
            try self.writes(db).complete(lease, response: response, charge: charge, now: now)
        }
        publish(result.effects)
        return result.value
    }

    /// running → failed, storing the provider's answer (if any) and the reason. An answer that reported usage is
    /// billed in the cost ledger in the same transaction.
    package func fail(
        _ lease: JobLease,
        response: JobResponse?,
        failure: JobFailure,
        billing: Billing = .standard,
        now: Date = Date()
    ) async throws -> Bool {
        let now = now.unixMilliseconds
        let charge = StoreWrites.Charge(prices: configuration.prices, billing: billing)
        let result = try await writer.write { db in
            try self.writes(db).fail(lease, response: response, failure: failure, charge: charge, now: now)
        }
        publish(result.effects)
        return result.value
    }

    /// running → queued at `runAt`. With `countsAttempt: false` (rate limited, shutdown hand-back) the attempt
    /// the claim started is given back.
    ///
    /// Two cases end the job instead: a job whose cancellation was requested ends `cancelled` (or `expired` when
    /// its deadline caused the request), and a counted retry with no attempt left ends `failed` with `failure`.
    ///
    /// `response` is the provider's answer to the attempt, when there was one: if it reported usage (the provider
    /// billed it), it gets its cost-ledger row in the same transaction, whatever the job's next state.
    package func retry(
        _ lease: JobLease,
        at runAt: Date,
        failure: JobFailure?,
        countsAttempt: Bool,
        response: JobResponse? = nil,
        billing: Billing = .standard,
        now: Date = Date()
    ) async throws -> Bool {
        let now = now.unixMilliseconds
        let runAt = runAt.unixMilliseconds
        let charge = StoreWrites.Charge(prices: configuration.prices, billing: billing)
        let result = try await writer.write { db in
            try self.writes(db).retry(
                lease,
                runAt: runAt,
                failure: failure,
                countsAttempt: countsAttempt,
                response: response,
                charge: charge,
                now: now
            )
        }
        publish(result.effects)
        return result.value
    }

    /// running → cancelled, after the worker aborted the call because cancellation was requested.
    /// When the request came from the deadline (``expireOverdue(now:)``), the job ends `expired` instead.
    package func acknowledgeCancel(_ lease: JobLease, now: Date = Date()) async throws -> Bool {
        let now = now.unixMilliseconds
        let result = try await writer.write { db in try self.writes(db).acknowledgeCancel(lease, now: now) }
        publish(result.effects)
        return result.value
    }

    // MARK: Maintenance

    /// running → queued (or failed with `lease_expired` when attempts are used up) for leases that expired
    /// before `now`. Jobs whose cancellation was requested end cancelled (or expired). Returns how many.
    package func rescueExpiredLeases(now: Date = Date()) async throws -> Int {
        let now = now.unixMilliseconds
        let result = try await writer.write { db in try self.writes(db).rescueExpiredLeases(now: now) }
        publish(result.effects)
        return result.value
    }

    /// At start-up: every running job belongs to the previous run; hand each back at once, without burning an
    /// attempt. Returns how many.
    package func rescueAllRunning(now: Date = Date()) async throws -> Int {
        let now = now.unixMilliseconds
        let result = try await writer.write { db in try self.writes(db).rescueAllRunning(now: now) }
        publish(result.effects)
        return result.value
    }

    /// queued → expired (`batch_expired`) for jobs whose deadline passed; running ones are flagged for
    /// cancellation (emitted on ``cancellationRequests()``) and end expired when the worker acknowledges.
    /// A batch becomes `expired` once all its jobs are final. Returns how many jobs were expired or flagged.
    package func expireOverdue(now: Date = Date()) async throws -> Int {
        let now = now.unixMilliseconds
        let result = try await writer.write { db in try self.writes(db).expireOverdue(now: now) }
        publish(result.effects)
        return result.value
    }

    // MARK: Effects

    /// Tells in-process listeners what a committed write changed.
    func publish(_ effects: TransitionEffects) {
        finishedJobs.add(effects.finalized.count, ordering: .relaxed)
        waiters.notifyFinal(effects.finalized)
        cancellations.publish(effects.cancellationRequested)
        batchesToFinalize.publish(effects.batchesFinalizing)
        batchWaiters.notifyFinal(effects.batchesFinalized)
    }
}
