/// One group of ledger rows: its keys (only those grouped by are set) and the sums.
package struct UsageGroup: Sendable, Equatable {
    package var tenant: String?
    package var provider: String?
    package var model: String?
    /// `YYYY-MM-DD`, UTC.
    package var day: String?
    package var batchID: BatchID?
    /// Ledger rows: billed upstream answers plus cache hits.
    package var requests: Int
    /// How many of ``requests`` were cache hits (no upstream call).
    package var cacheHits: Int
    package var promptTokens: Int
    package var cachedTokens: Int
    package var completionTokens: Int
    package var cost: CostSummary

    package init(
        tenant: String? = nil,
        provider: String? = nil,
        model: String? = nil,
        day: String? = nil,
        batchID: BatchID? = nil,
        requests: Int = 0,
        cacheHits: Int = 0,
        promptTokens: Int = 0,
        cachedTokens: Int = 0,
        completionTokens: Int = 0,
        cost: CostSummary = CostSummary()
    ) {
        self.tenant = tenant
        self.provider = provider
        self.model = model
        self.day = day
        self.batchID = batchID
        self.requests = requests
        self.cacheHits = cacheHits
        self.promptTokens = promptTokens
        self.cachedTokens = cachedTokens
        self.completionTokens = completionTokens
        self.cost = cost
    }
}
