/// Reads of tenant quotas: the stored limits, and what the ledger recorded in the quota windows.
extension StoreReads {
    /// The tenant's stored limits (empty, revision 0, when none were ever set).
    func quotas(tenant: String) throws -> TenantQuotas {
        let columns = QuotaKey.all.map(\.column).joined(separator: ", ")
        return try db.withStatement("SELECT \(columns), revision FROM tenant_quotas WHERE tenant = ?1") { statement in
            try statement.bind(tenant, at: 1)
            guard try statement.step() else { return TenantQuotas() }
            var limits: [QuotaKey: Int64] = [:]
            for (index, key) in QuotaKey.all.enumerated() {
                if let value = statement.optionalInt64(at: Int32(index)) { limits[key] = value }
            }
            return TenantQuotas(limits: limits, revision: statement.int64(at: Int32(QuotaKey.all.count)))
        }
    }

    /// What the tenant's upstream calls recorded in the ledger since each window's start (Unix milliseconds):
    /// billed calls (cache hits excluded), their prompt plus completion tokens, and their known cost.
    /// One pass over the tenant's rows since the earliest start (`ledger_tenant_time`).
    func quotaUsage(tenant: String, since starts: [QuotaWindow: Int64]) throws -> [QuotaWindow: QuotaAmount] {
        let windows = QuotaWindow.allCases
        let sums = windows.enumerated().map { index, _ in
            let start = "?\(index + 2)"
            return """
                coalesce(sum(created_at >= \(start)), 0),
                coalesce(sum(CASE WHEN created_at >= \(start) THEN prompt_tokens + completion_tokens ELSE 0 END), 0),
                coalesce(sum(CASE WHEN created_at >= \(start) THEN cost_micros ELSE 0 END), 0)
                """
        }.joined(separator: ",\n")
        let earliest = "min(\((2...windows.count + 1).map { "?\($0)" }.joined(separator: ", ")))"
        let sql = "SELECT \(sums) FROM ledger WHERE tenant = ?1 AND cache_hit = 0 AND created_at >= \(earliest)"
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            for (index, window) in windows.enumerated() {
                try statement.bind(starts[window] ?? 0, at: Int32(index + 2))
            }
            var usage: [QuotaWindow: QuotaAmount] = [:]
            guard try statement.step() else { return usage }
            for (index, window) in windows.enumerated() {
                let first = Int32(index * 3)
                usage[window] = QuotaAmount(
                    requests: statement.int64(at: first),
                    tokens: statement.int64(at: first + 1),
                    micros: statement.int64(at: first + 2)
                )
            }
            return usage
        }
    }
}
