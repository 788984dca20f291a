import struct Foundation.Date

/// Reads of the cost ledger: usage sums grouped as asked, and the rows of one job or batch.
extension StoreReads {
    /// Sums of the ledger rows matching `query`, one element per group, sorted by the group keys.
    /// Without grouping there is exactly one element (zeros when nothing matched).
    ///
    /// One SQL text per combination of filters and groups, so each is planned on its own index
    /// (`ledger_tenant_time` for a tenant, `ledger_time` for every tenant).
    func usage(_ query: UsageQuery) throws -> [UsageGroup] {
        var conditions: [String] = []
        if query.tenant != nil { conditions.append("tenant = ?1") }
        if query.start != nil { conditions.append("created_at >= ?2") }
        if query.end != nil { conditions.append("created_at < ?3") }
        let keys = query.groupBy.map(Self.groupExpression)
        let aggregates = """
            count(*), coalesce(sum(cache_hit), 0), coalesce(sum(prompt_tokens), 0), coalesce(sum(cached_tokens), 0),
            coalesce(sum(completion_tokens), 0), coalesce(sum(cost_micros), 0), count(*) - count(cost_micros),
            coalesce(sum(saved_micros), 0)
            """
        var sql = "SELECT \((keys + [aggregates]).joined(separator: ", ")) FROM ledger"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        if !keys.isEmpty {
            let positions = (1...keys.count).map(String.init).joined(separator: ", ")
            sql += " GROUP BY \(positions) ORDER BY \(positions)"
        }
        return try db.withStatement(sql) { statement in
            // Bind only the parameters the text uses: binding past the highest one is SQLITE_RANGE.
            if let tenant = query.tenant { try statement.bind(tenant, at: 1) }
            if let start = query.start { try statement.bind(start.unixMilliseconds, at: 2) }
            if let end = query.end { try statement.bind(end.unixMilliseconds, at: 3) }
            var groups: [UsageGroup] = []
            while try statement.step() {
                var group = UsageGroup()
                for (index, key) in query.groupBy.enumerated() {
                    let column = Int32(index)
                    switch key {
                    case .tenant: group.tenant = statement.string(at: column)
                    case .provider: group.provider = statement.string(at: column)
                    case .model: group.model = statement.string(at: column)
                    case .day: group.day = statement.string(at: column)
                    case .batch: group.batchID = statement.optionalInt64(at: column).map(BatchID.init)
                    }
                }
                let first = Int32(keys.count)
                group.requests = statement.int(at: first)
                group.cacheHits = statement.int(at: first + 1)
                group.promptTokens = statement.int(at: first + 2)
                group.cachedTokens = statement.int(at: first + 3)
                group.completionTokens = statement.int(at: first + 4)
                group.cost = CostSummary(
                    knownCostMicros: statement.int64(at: first + 5),
                    unknownCostRequests: statement.int(at: first + 6),
                    savedMicros: statement.int64(at: first + 7)
                )
                groups.append(group)
            }
            return groups
        }
    }

    /// The ledger rows of one job, oldest first.
    func ledgerEntries(job: JobID) throws -> [LedgerEntry] {
        try ledgerEntries(
            sql: "SELECT \(Self.ledgerColumns) FROM ledger WHERE job_id = ?1 ORDER BY id",
            id: job.rawValue
        )
    }

    /// The ledger rows of one batch's jobs, oldest first.
    func ledgerEntries(batch: BatchID) throws -> [LedgerEntry] {
        try ledgerEntries(
            sql: "SELECT \(Self.ledgerColumns) FROM ledger WHERE batch_id = ?1 ORDER BY id",
            id: batch.rawValue
        )
    }

    private func ledgerEntries(sql: String, id: Int64) throws -> [LedgerEntry] {
        try db.withStatement(sql) { statement in
            try statement.bind(id, at: 1)
            var entries: [LedgerEntry] = []
            while try statement.step() { entries.append(try Self.ledgerEntry(statement)) }
            return entries
        }
    }

    private static func groupExpression(_ grouping: UsageQuery.Grouping) -> String {
        switch grouping {
        case .tenant: "tenant"
        case .provider: "provider"
        case .model: "model"
        // `created_at` is Unix milliseconds; the day is the UTC calendar day.
        // https://www.sqlite.org/lang_datefunc.html ("unixepoch" modifier)
        case .day: "strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')"
        case .batch: "batch_id"
        }
    }

    private static let ledgerColumns = """
        id, tenant, batch_id, job_id, provider, model, attempt, status_code, prompt_tokens, cached_tokens, \
        completion_tokens, usage_reported, tier, cost_micros, price_version, cache_hit, saved_micros, created_at
        """

    private static func ledgerEntry(_ row: SQLiteStatement) throws -> LedgerEntry {
        guard let tier = PriceTier(rawValue: row.string(at: 12)) else {
            throw JobsError(.sqlite, message: "a ledger row holds an unknown tier", sql: row.sql)
        }
        return LedgerEntry(
            id: row.int64(at: 0),
            tenant: row.string(at: 1),
            batchID: row.optionalInt64(at: 2).map(BatchID.init),
            jobID: JobID(row.int64(at: 3)),
            provider: row.string(at: 4),
            model: row.string(at: 5),
            attempt: row.int(at: 6),
            statusCode: row.optionalInt(at: 7),
            usage: TokenUsage(
                promptTokens: row.int(at: 8),
                completionTokens: row.int(at: 10),
                cachedTokens: row.int(at: 9)
            ),
            usageReported: row.bool(at: 11),
            tier: tier,
            costMicros: row.optionalInt64(at: 13),
            priceVersion: row.string(at: 14),
            cacheHit: row.bool(at: 15),
            savedMicros: row.optionalInt64(at: 16),
            createdAt: Date(unixMilliseconds: row.int64(at: 17))
        )
    }
}
