/// Reads for the operator's view (the dashboard): queue depth, recent failures and unfinished batches across
/// every tenant. Admin only: nothing here is tenant-scoped.
extension JobStore {
    /// Default number of rows `recentFailures` and `activeBatches` return.
    package static let defaultOperatorListLimit = 20

    /// Queued and running jobs per provider, sorted by provider. Counted on the partial indexes `jobs_claim_fair`
    /// (queued) and `jobs_lease` (running), so the cost follows the queue, not the table.
    package func queueDepths() async throws -> [QueueDepth] {
        try await readers.read { db in try StoreReads(db: db).queueDepths() }
    }

    /// The most recently created failed jobs of every tenant, newest first. Looks at the newest
    /// `StoreReads.failureScanWindow` jobs only, so an installation without failures does not scan the table.
    package func recentFailures(limit: Int = defaultOperatorListLimit) async throws -> [Job] {
        try await readers.read { db in try StoreReads(db: db).recentFailures(limit: limit) }
    }

    /// Batches of every tenant that are not final yet (validating, in progress, finalizing, cancelling),
    /// newest first.
    package func activeBatches(limit: Int = defaultOperatorListLimit) async throws -> [Batch] {
        try await readers.read { db in try StoreReads(db: db).activeBatches(limit: limit) }
    }
}
