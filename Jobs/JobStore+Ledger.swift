/// The cost ledger's reads. Writes happen inside the worker transitions (`complete`, `fail`, `retry`).
extension JobStore {
    /// Usage and cost sums of the ledger rows matching `query`, grouped as it asks (one total row without
    /// grouping). Tenant quotas read "dollars spent by a tenant in a window" here:
    /// `usage(UsageQuery(tenant: t, start: windowStart))[0].cost`.
    package func usage(_ query: UsageQuery) async throws -> [UsageGroup] {
        try await readers.read { db in try StoreReads(db: db).usage(query) }
    }

    /// The ledger rows of one job (every billed attempt), oldest first. Not tenant-scoped.
    package func ledgerEntries(job: JobID) async throws -> [LedgerEntry] {
        try await readers.read { db in try StoreReads(db: db).ledgerEntries(job: job) }
    }

    /// The ledger rows of one batch, oldest first. Not tenant-scoped.
    package func ledgerEntries(batch: BatchID) async throws -> [LedgerEntry] {
        try await readers.read { db in try StoreReads(db: db).ledgerEntries(batch: batch) }
    }
}
