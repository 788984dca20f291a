/// What the cost ledger records for one answer, for observers outside the store (metrics): the same rules as the
/// ledger's write (`StoreWrites.bill`), computed without I/O.
package struct LedgerCharge: Sendable, Equatable {
    /// The usage the row records (zeros when the answer reported none).
    package var usage: TokenUsage
    /// Micro-dollars charged; nil when the price is unknown; 0 for a cache hit.
    package var cost: Int64?
    /// Micro-dollars a cache hit saved (nil: unknown); 0 for an upstream call.
    package var saved: Int64?
}

extension JobStore {
    /// What the ledger records for `response` of a job of `provider`/`model` billed as `billing`, or nil when the
    /// answer is not billed (no ledger row). Pure: uses the store's price table.
    package func ledgerCharge(
        of response: JobResponse,
        provider: String,
        model: String,
        billing: Billing = .standard
    ) -> LedgerCharge? {
        guard StoreWrites.isBilled(response, billing: billing) else { return nil }
        let charge = StoreWrites.Charge(prices: configuration.prices, billing: billing)
        let (cost, saved) = StoreWrites.price(response, provider: provider, model: model, charge: charge)
        return LedgerCharge(
            usage: response.usage ?? TokenUsage(promptTokens: 0, completionTokens: 0),
            cost: cost,
            saved: saved
        )
    }
}
