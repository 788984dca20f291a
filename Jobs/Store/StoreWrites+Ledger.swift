/// The cost ledger's writes: one row per billed answer, plus the cost sums on its job and batch, in the
/// transaction of the job transition that recorded the answer (so a stale lease bills nothing).
extension StoreWrites {
    /// How to price an answer: the store's price table and how the caller says the answer is billed.
    struct Charge: Sendable {
        var prices: PriceTable
        var billing: Billing
    }

    /// The job an answer belongs to, as the ledger row names it.
    struct BilledJob {
        var id: Int64
        var tenant: String
        var batch: Int64?
        var provider: String
        var model: String
        var attempt: Int
    }

    /// Whether an answer is billed: a 2xx (the provider charges for it, usage or not), any answer carrying
    /// usage (some provider errors do), and every cache hit (it records what it saved).
    static func isBilled(_ response: JobResponse, billing: Billing) -> Bool {
        billing.cacheHit || response.usage != nil || (200..<300).contains(response.statusCode)
    }

    /// The cost and saving of one answer, in micro-dollars (nil: unknown). Pure; see `ModelPrice.cost(of:tier:)`
    /// for the rounding rule. An answer without usage has an unknown cost; a cache hit costs 0 and saves what the
    /// call would have cost.
    static func price(
        _ response: JobResponse,
        provider: String,
        model: String,
        charge: Charge
    )
        -> (cost: Int64?, saved: Int64?)
    {
        let price = charge.prices.price(provider: provider, model: model)
        let full = response.usage.flatMap { usage in price?.cost(of: usage, tier: charge.billing.tier) }
        return charge.billing.cacheHit ? (0, full) : (full, 0)
    }

    /// Records `response` in the ledger and adds its cost to the job and its batch, when the answer is billed.
    func bill(_ job: BilledJob, response: JobResponse, charge: Charge, now: Int64) throws {
        guard Self.isBilled(response, billing: charge.billing) else { return }
        let (cost, saved) = Self.price(response, provider: job.provider, model: job.model, charge: charge)
        let usage = response.usage ?? TokenUsage(promptTokens: 0, completionTokens: 0)
        try db.run(Self.insertLedgerSQL) {
            try $0.bind(job.tenant, at: 1)
            try $0.bind(job.batch, at: 2)
            try $0.bind(job.id, at: 3)
            try $0.bind(job.provider, at: 4)
            try $0.bind(job.model, at: 5)
            try $0.bind(job.attempt, at: 6)
            try $0.bind(response.statusCode, at: 7)
            try $0.bind(max(0, usage.promptTokens), at: 8)
            try $0.bind(max(0, usage.cachedTokens), at: 9)
            try $0.bind(max(0, usage.completionTokens), at: 10)
            try $0.bind(response.usage != nil, at: 11)
            try $0.bind(charge.billing.tier.rawValue, at: 12)
            try $0.bind(cost, at: 13)
            try $0.bind(charge.prices.version, at: 14)
            try $0.bind(charge.billing.cacheHit, at: 15)
            try $0.bind(saved, at: 16)
            try $0.bind(now, at: 17)
        }
        let bind: (SQLiteStatement, Int64) throws -> Void = { statement, id in
            try statement.bind(cost ?? 0, at: 1)
            try statement.bind(cost == nil ? 1 : 0, at: 2)
            try statement.bind(saved ?? 0, at: 3)
            try statement.bind(id, at: 4)
        }
        try db.run(Self.addJobCostSQL) { try bind($0, job.id) }
        if let batch = job.batch { try db.run(Self.addBatchCostSQL) { try bind($0, batch) } }
    }

    /// The job as the ledger names it, read by id (inside the transition's transaction).
    func billedJob(_ id: JobID) throws -> BilledJob? {
        try db.withStatement("SELECT \(Self.billedJobColumns) FROM jobs WHERE id = ?1") { statement in
            try statement.bind(id.rawValue, at: 1)
            return try statement.step() ? Self.billedJob(statement, from: 0) : nil
        }
    }

    /// The columns ``billedJob(_:from:)`` decodes, in order.
    static let billedJobColumns = "id, tenant, batch_id, provider, model, attempt"

    static func billedJob(_ row: SQLiteStatement, from first: Int32) -> BilledJob {
        BilledJob(
            id: row.int64(at: first),
            tenant: row.string(at: first + 1),
            batch: row.optionalInt64(at: first + 2),
            provider: row.string(at: first + 3),
            model: row.string(at: first + 4),
            attempt: row.int(at: first + 5)
        )
    }

    private static let insertLedgerSQL = """
        INSERT INTO ledger(tenant, batch_id, job_id, provider, model, attempt, status_code, prompt_tokens,
            cached_tokens, completion_tokens, usage_reported, tier, cost_micros, price_version, cache_hit,
            saved_micros, created_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
        """

    private static let addJobCostSQL = """
        UPDATE jobs SET cost_micros = cost_micros + ?1, unknown_cost_requests = unknown_cost_requests + ?2,
            saved_micros = saved_micros + ?3
        WHERE id = ?4
        """

    private static let addBatchCostSQL = """
        UPDATE batches SET cost_micros = cost_micros + ?1, unknown_cost_requests = unknown_cost_requests + ?2,
            saved_micros = saved_micros + ?3
        WHERE id = ?4
        """
}
