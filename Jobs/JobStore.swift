public import struct Foundation.Data
public import struct Foundation.Date
public import Logging

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
        package enum Synchronous: String, Sendable { case full = "FULL", normal = "NORMAL" }

        /// The database file path.
        package var path: String
        /// `PRAGMA synchronous`; `.full` by default (acknowledged means durable).
        package var synchronous: Synchronous
        /// Number of read connections (default 2).
        package var readers: Int
        /// Most writes gathered into one transaction (default 512).
        package var maxWritesPerCommit: Int

        package init(path: String, synchronous: Synchronous = .full, readers: Int = 2, maxWritesPerCommit: Int = 512) {
            self.path = path
            self.synchronous = synchronous
            self.readers = readers
            self.maxWritesPerCommit = maxWritesPerCommit
        }
    }

    package let configuration: Configuration
    private let logger: Logger

    /// Opens (creating when missing) and migrates the database, and starts the writer thread.
    package init(configuration: Configuration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        throw JobsError(.notOpen, message: "not implemented yet")
    }

    /// Stops the writer after the pending writes are committed and closes every connection. Idempotent.
    package func close() {}

    // MARK: Tenants and API keys

    /// Creates the tenant when it does not exist yet. Returns whether it was created.
    @discardableResult
    package func createTenant(_ id: String, now: Date = Date()) async throws -> Bool { fatalError("unimplemented") }
    package func tenantExists(_ id: String) async throws -> Bool { fatalError("unimplemented") }
    /// Stores an API key by its SHA-256 hash (never the key); `prefix` is a short, non-secret label for listings.
    package func insertAPIKey(tenant: String, keyHash: Data, prefix: String, now: Date = Date()) async throws {
        fatalError("unimplemented")
    }
    /// The tenant owning the key with this hash, if the key exists and is not revoked.
    package func tenant(forKeyHash keyHash: Data) async throws -> String? { fatalError("unimplemented") }

    // MARK: Submit

    /// Inserts one job (no batch). With an idempotency key already used by the tenant, returns the original job.
    package func insertJob(_ job: NewJob, tenant: String, idempotencyKey: String?, now: Date = Date()) async throws
        -> Job
    { fatalError("unimplemented") }

    /// Inserts a batch and all its jobs in one transaction. With an idempotency key already used by the tenant,
    /// returns the original batch and inserts nothing.
    package func insertBatch(_ batch: NewBatch, tenant: String, idempotencyKey: String?, now: Date = Date())
        async throws -> Batch
    { fatalError("unimplemented") }

    // MARK: Reads (tenant-scoped: another tenant's id reads as nil)

    package func job(_ id: JobID, tenant: String) async throws -> Job? { fatalError("unimplemented") }
    /// Newest first; `after` is a cursor (ids older than it).
    package func jobs(tenant: String, state: JobState?, batch: BatchID?, after: JobID?, limit: Int) async throws
        -> [Job]
    { fatalError("unimplemented") }
    package func batch(_ id: BatchID, tenant: String) async throws -> Batch? { fatalError("unimplemented") }
    /// Newest first; `after` is a cursor (ids older than it).
    package func batches(tenant: String, after: BatchID?, limit: Int) async throws -> [Batch] {
        fatalError("unimplemented")
    }
    /// The batch's final jobs in id order, `limit` at a time after `after`: the pages of the results stream.
    package func finalJobs(ofBatch id: BatchID, after: JobID?, limit: Int) async throws -> [Job] {
        fatalError("unimplemented")
    }
    /// Waits until the job is final or the timeout passes, then returns it as it is (nil if it is not the tenant's).
    package func waitUntilFinal(_ id: JobID, tenant: String, timeout: Duration) async throws -> Job? {
        fatalError("unimplemented")
    }

    // MARK: Cancel

    /// Queued → cancelled at once; running → `cancel_requested`, which the worker sees and acts on.
    /// Returns the job as it is after the request, nil if it is not the tenant's.
    package func cancelJob(_ id: JobID, tenant: String, now: Date = Date()) async throws -> Job? {
        fatalError("unimplemented")
    }
    /// Cancels every queued job of the batch at once and requests cancellation of its running ones;
    /// the batch is `cancelling` until they settle, then `cancelled`.
    package func cancelBatch(_ id: BatchID, tenant: String, now: Date = Date()) async throws -> Batch? {
        fatalError("unimplemented")
    }
    /// An in-process stream of cancellation requests for running jobs, so a worker can abort the transfer at once.
    package func cancellationRequests() -> AsyncStream<JobID> { fatalError("unimplemented") }

    // MARK: Worker transitions (each conditional on the lease token; `false` means the lease was stale)

    /// Claims up to `limit` runnable jobs of the provider (queued, `run_at <= now`), highest priority first, then
    /// FIFO, in one `UPDATE … RETURNING`; each gets a fresh lease token and `attempt + 1`.
    package func claim(provider: String, limit: Int, leaseDuration: Duration, now: Date = Date()) async throws
        -> [ClaimedJob]
    { fatalError("unimplemented") }
    /// Extends the leases still held; returns the ids among them whose cancellation was requested.
    package func heartbeat(_ leases: [JobLease], leaseDuration: Duration, now: Date = Date()) async throws
        -> Set<JobID>
    { fatalError("unimplemented") }
    /// running → succeeded, storing the answer.
    package func complete(_ lease: JobLease, response: JobResponse, now: Date = Date()) async throws -> Bool {
        fatalError("unimplemented")
    }
    /// running → failed, storing the provider's answer (if any) and the reason.
    package func fail(_ lease: JobLease, response: JobResponse?, failure: JobFailure, now: Date = Date())
        async throws -> Bool
    { fatalError("unimplemented") }
    /// running → queued at `runAt`. With `countsAttempt: false` (rate limited, shutdown hand-back) the attempt
    /// the claim started is given back.
    package func retry(_ lease: JobLease, at runAt: Date, failure: JobFailure?, countsAttempt: Bool, now: Date = Date())
        async throws -> Bool
    { fatalError("unimplemented") }
    /// running → cancelled, after the worker aborted the call because cancellation was requested.
    package func acknowledgeCancel(_ lease: JobLease, now: Date = Date()) async throws -> Bool {
        fatalError("unimplemented")
    }

    // MARK: Maintenance

    /// running → queued (or failed when attempts are used up) for leases that expired before `now`.
    package func rescueExpiredLeases(now: Date = Date()) async throws -> Int { fatalError("unimplemented") }
    /// At start-up: every running job belongs to the previous run; hand each back at once.
    package func rescueAllRunning(now: Date = Date()) async throws -> Int { fatalError("unimplemented") }
    /// queued/running → expired for jobs whose deadline passed (running ones are also flagged for cancellation).
    package func expireOverdue(now: Date = Date()) async throws -> Int { fatalError("unimplemented") }
}
