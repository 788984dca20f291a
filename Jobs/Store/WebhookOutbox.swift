import Synchronization

/// The store's in-memory side of the webhook outbox: which tenants have an active endpoint, so that a final
/// transition of a tenant without one writes nothing and looks nothing up, and the wake-up of the deliverer.
///
/// The tenant set is loaded on the writer thread at its first use (so at open, in effect) and reloaded after
/// every endpoint change: the change calls ``invalidate()`` inside its write, so the rest of that transaction
/// sees it, and again after its commit (or rollback).
final class WebhookOutbox: Sendable {
    private struct State {
        /// nil: not loaded; the next check loads it.
        var tenants: Set<String>?
        /// Grows with every invalidation, so a load that raced one is not kept.
        var generation = 0
    }

    private let state = Mutex(State())
    private let due = Broadcaster<Void>()

    /// Whether the tenant has an endpoint that is neither disabled nor deleted. Runs on the writer thread.
    func hasActiveEndpoints(tenant: String, db: SQLiteConnection) throws -> Bool {
        let (loaded, generation) = state.withLock { ($0.tenants, $0.generation) }
        if let loaded { return loaded.contains(tenant) }
        let tenants = try StoreReads(db: db).tenantsWithActiveWebhookEndpoints()
        state.withLock { state in
            if state.generation == generation { state.tenants = tenants }
        }
        return tenants.contains(tenant)
    }

    /// Forgets the tenant set; the next check reloads it.
    func invalidate() {
        state.withLock { state in
            state.tenants = nil
            state.generation += 1
        }
    }

    /// Wakes the deliverer: deliveries were added (or became due) in the current write.
    ///
    /// Published from inside the write, just before its commit: a listener's next claim or
    /// `nextWebhookDeliveryDue` goes through the same writer, so it runs after that commit and sees the rows.
    func deliveriesAdded() { due.publish(CollectionOfOne(())) }

    func subscribe() -> AsyncStream<Void> { due.subscribe() }

    func finish() { due.finish() }
}
