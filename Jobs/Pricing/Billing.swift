/// How an answer is recorded in the cost ledger: which price tier it is charged at, and whether it came from
/// Sluice's own cache (costs nothing, records what it saved).
///
/// ```swift
/// try await store.complete(lease, response: response)                         // .standard
/// try await store.complete(lease, response: cached, billing: .cacheHit)        // zero cost, saving recorded
/// ```
package struct Billing: Sendable, Equatable, Hashable {
    /// The tier whose rates price the usage (for a cache hit: the rates of the call it saved).
    package var tier: PriceTier
    /// The answer was served from Sluice's cache: no upstream call, cost 0, `saved_micros` = what it would have
    /// cost.
    package var cacheHit: Bool

    package init(tier: PriceTier = .standard, cacheHit: Bool = false) {
        self.tier = tier
        self.cacheHit = cacheHit
    }

    /// An upstream call at the provider's standard (synchronous) rates.
    package static var standard: Billing { Billing() }
    /// An upstream call through the provider's batch API, at its batch rates.
    package static var batchTier: Billing { Billing(tier: .batch) }
    /// An answer from Sluice's cache, saving a standard-rate call.
    package static var cacheHit: Billing { Billing(cacheHit: true) }
}
