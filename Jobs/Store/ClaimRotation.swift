import Synchronization

/// Where the next fair claim of each provider starts among the tenants: just after the tenant served last.
///
/// In memory only: after a restart the rotation starts again from the first tenant, which costs fairness
/// nothing. Read and written inside the claim's write transaction (one writer), so the lock is uncontended.
final class ClaimRotation: Sendable {
    private let lastServed = Mutex<[String: String]>([:])

    /// The tenant the provider's previous claim served last, if any.
    func lastTenant(provider: String) -> String? {
        lastServed.withLock { $0[provider] }
    }

    /// Records the tenant this claim served last.
    func served(_ tenant: String?, provider: String) {
        guard let tenant else { return }
        lastServed.withLock { $0[provider] = tenant }
    }
}
