package import struct Foundation.Date

/// One row of the cost ledger: one billed upstream answer (a success, or a provider error that reported usage),
/// or one cache hit. Written in the same transaction as the job transition it belongs to.
package struct LedgerEntry: Sendable, Equatable {
    package var id: Int64
    package var tenant: String
    package var batchID: BatchID?
    package var jobID: JobID
    package var provider: String
    package var model: String
    /// The job's attempt that was answered.
    package var attempt: Int
    /// The upstream HTTP status of the answer.
    package var statusCode: Int?
    /// The tokens the provider reported (all zero when it reported none: see ``usageReported``).
    package var usage: TokenUsage
    /// Whether the answer carried usage; without it the cost is unknown.
    package var usageReported: Bool
    package var tier: PriceTier
    /// The cost in micro-dollars; nil when the price (or the usage) was unknown. 0 for a cache hit.
    package var costMicros: Int64?
    /// The version of the price table the cost was computed with.
    package var priceVersion: String
    package var cacheHit: Bool
    /// For a cache hit, what the call would have cost (nil when unknown); 0 otherwise.
    package var savedMicros: Int64?
    package var createdAt: Date
}
