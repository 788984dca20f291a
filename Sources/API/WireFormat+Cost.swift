import Jobs

/// The cost fields of the job and batch objects and the rows of `GET /v1/usage`.
///
/// Money is integer micro-dollars (`cost_micros`); `cost_usd` is the same amount as an exact decimal string
/// (`"0.000019"`), never a float. Both are null when any billed request's price was unknown — then
/// `unknown_cost_requests` says how many and `known_cost_micros` holds the sum of the known part.
extension WireFormat {
    /// `cost_micros`, `cost_usd`, `known_cost_micros`, `unknown_cost_requests`, `saved_micros` as fields of the
    /// object being written.
    static func costFields(_ cost: CostSummary, into o: inout JSONWriter) {
        o.field("cost_micros", cost.costMicros.map { Int($0) })
        o.field("cost_usd", cost.costMicros.map(MicroDollars.format))
        o.field("known_cost_micros", Int(cost.knownCostMicros))
        o.field("unknown_cost_requests", cost.unknownCostRequests)
        o.field("saved_micros", Int(cost.savedMicros))
    }

    /// One element of `GET /v1/usage`'s `data`: the keys grouped by (in `keys` order), then the sums.
    static func usageGroup(_ group: UsageGroup, keys: [UsageQuery.Grouping], into w: inout JSONWriter) {
        w.object { o in
            for key in keys {
                switch key {
                case .tenant: o.field("tenant", group.tenant)
                case .provider: o.field("provider", group.provider)
                case .model: o.field("model", group.model)
                case .day: o.field("day", group.day)
                case .batch: o.field("batch_id", group.batchID?.description)
                }
            }
            o.field("requests", group.requests)
            o.field("cache_hits", group.cacheHits)
            o.field("prompt_tokens", group.promptTokens)
            o.field("cached_tokens", group.cachedTokens)
            o.field("completion_tokens", group.completionTokens)
            costFields(group.cost, into: &o)
        }
    }
}
