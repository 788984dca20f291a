package import struct Foundation.Date

/// Tenant quotas in the store: the limits (table `tenant_quotas`) and what the ledger recorded per window.
/// `QuotaAccountant` keeps the in-memory view the workers and the API decide with.
extension JobStore {
    /// The tenant's limits (empty, revision 0, when none were ever set).
    package func quotas(tenant: String) async throws -> TenantQuotas {
        try await readers.read { db in try StoreReads(db: db).quotas(tenant: tenant) }
    }

    /// Sets (a value) or removes (nil) some of the tenant's limits, leaving the others, and returns them all with
    /// the new revision; nil when the tenant does not exist. In the same transaction, the tenant's jobs waiting
    /// for a quota window become runnable at once (they are admitted or deferred again under the new limits).
    package func updateQuotas(
        tenant: String,
        changes: [QuotaKey: Int64?],
        now: Date = Date()
    ) async throws
        -> TenantQuotas?
    {
        let now = now.unixMilliseconds
        return try await writer.write { db in
            try StoreWrites(db: db).updateQuotas(tenant: tenant, changes: changes, now: now)
        }
    }

    /// What the tenant's upstream calls recorded in the cost ledger in each quota window containing `now`:
    /// billed calls (cache hits excluded), prompt plus completion tokens, known cost in micro-dollars.
    package func quotaUsage(tenant: String, now: Date = Date()) async throws -> [QuotaWindow: QuotaAmount] {
        let starts = Dictionary(
            uniqueKeysWithValues: QuotaWindow.allCases.map { ($0, $0.interval(containing: now).start.unixMilliseconds) }
        )
        return try await readers.read { db in try StoreReads(db: db).quotaUsage(tenant: tenant, since: starts) }
    }
}
