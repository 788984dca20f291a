import Synchronization

package import struct Foundation.Date

/// Tenant quotas in memory, in front of the store: the one place that decides whether a tenant may spend more.
/// Shared by the workers (admission: reserve before a call, settle after) and the API (admin routes, the check at
/// submit), so both see the same reservations.
///
/// Authoritative in memory because one server process owns a data directory (an exclusive `flock`): every call a
/// tenant makes goes through this object. A tenant's limits and the ledger's sums for its current windows are read
/// from the store once, the first time the tenant is seen (one query for all three windows); from then on the
/// windows are kept up to date by `settle` and roll to zero at their reset. Decisions run under one lock, so two
/// workers can never both take the last of a budget. After a restart, in-flight reservations are gone with the
/// calls they covered (those jobs are rescued and admitted again).
///
/// ```swift
/// let quotas = QuotaAccountant(store: store)
/// if let breach = try await quotas.admit(tenant: job.tenant, ticket: job.lease, amount: estimate) { … }
/// // … the call …
/// quotas.settle(job.lease, charged: QuotaAmount(requests: 1, tokens: 812, micros: 1_530))
/// ```
package final class QuotaAccountant: Sendable {
    private let store: JobStore
    private let state = Mutex(QuotaAccounting())

    package init(store: JobStore) {
        self.store = store
    }

    /// Reserves `amount` for the call identified by `ticket`, or returns the quota that leaves no room (nothing
    /// reserved). Loads the tenant from the store first if it was never seen.
    package func admit(
        tenant: String,
        ticket: JobLease,
        amount: QuotaAmount,
        now: Date = Date()
    ) async throws
        -> QuotaBreach?
    {
        try await load(tenant)
        return state.withLock { $0.admit(tenant, ticket: ticket, amount: amount, now: now) }
    }

    /// Releases the ticket's reservation and records what the call was charged (zero when it was not billed).
    package func settle(_ ticket: JobLease, charged: QuotaAmount, now: Date = Date()) {
        state.withLock { $0.settle(ticket, charged: charged, now: now) }
    }

    /// The quota that makes a new submission over quota now (see `QuotaAccounting`), or nil.
    package func submitBreach(tenant: String, now: Date = Date()) async throws -> QuotaBreach? {
        try await load(tenant)
        return state.withLock { $0.submitBreach(tenant, now: now) }
    }

    /// Every quota of the tenant as it stands (limit, recorded, in flight, window), in `QuotaKey.all` order.
    package func status(tenant: String, now: Date = Date()) async throws -> [QuotaStatus] {
        try await load(tenant)
        return state.withLock { $0.status(tenant, now: now) }
    }

    /// Stores the changed limits (value: set, nil: remove) and applies them to the decisions at once. Returns the
    /// tenant's limits after the change, or nil when the tenant does not exist.
    package func update(
        tenant: String,
        changes: [QuotaKey: Int64?],
        now: Date = Date()
    ) async throws
        -> TenantQuotas?
    {
        guard let updated = try await store.updateQuotas(tenant: tenant, changes: changes, now: now) else {
            return nil
        }
        state.withLock { $0.setQuotas(tenant, updated) }
        return updated
    }

    /// What the tenant's calls in flight have reserved right now.
    package func reserved(tenant: String) -> QuotaAmount {
        state.withLock { $0.reserved(tenant) }
    }

    /// Reads the tenant's limits and window usage from the store unless they are held already. Two first
    /// admissions of a tenant may both read; the first to finish installs, the other's result is dropped (nothing
    /// of the tenant can be admitted, so nothing can be recorded, before one of them installs).
    private func load(_ tenant: String) async throws {
        if state.withLock({ $0.isLoaded(tenant) }) { return }
        let now = Date()
        let quotas = try await store.quotas(tenant: tenant)
        let usage = try await store.quotaUsage(tenant: tenant, now: now)
        state.withLock { $0.load(tenant, quotas: quotas, usage: usage, at: now) }
    }
}
