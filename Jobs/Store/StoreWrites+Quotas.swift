/// Writes of tenant quotas.
extension StoreWrites {
    /// Applies `changes` to the tenant's limits (a value sets, nil removes, other keys stay) and bumps the
    /// revision. Jobs of the tenant waiting for a quota window (`queued` with `quota_exceeded`) are made runnable
    /// now, so raised limits take effect at once (jobs still over quota are deferred again).
    /// Returns nil, changing nothing, when the tenant does not exist.
    func updateQuotas(tenant: String, changes: [QuotaKey: Int64?], now: Int64) throws -> TenantQuotas? {
        guard try StoreReads(db: db).tenantExists(tenant) else { return nil }
        let current = try StoreReads(db: db).quotas(tenant: tenant)
        var updated = current.applying(changes)
        updated.revision = current.revision + 1
        try db.run(Self.upsertQuotasSQL) { statement in
            try statement.bind(tenant, at: 1)
            for (index, key) in QuotaKey.all.enumerated() {
                try statement.bind(updated[key], at: Int32(index + 2))
            }
            try statement.bind(updated.revision, at: Int32(QuotaKey.all.count + 2))
            try statement.bind(now, at: Int32(QuotaKey.all.count + 3))
        }
        try db.run(Self.wakeQuotaDeferredSQL) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(now, at: 2)
        }
        return updated
    }

    private static let upsertQuotasSQL: String = {
        let columns = QuotaKey.all.map(\.column)
        let values = (0..<columns.count + 3).map { "?\($0 + 1)" }.joined(separator: ", ")
        let updates = (columns + ["revision", "updated_at"]).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return """
            INSERT INTO tenant_quotas(tenant, \(columns.joined(separator: ", ")), revision, updated_at)
            VALUES (\(values))
            ON CONFLICT(tenant) DO UPDATE SET \(updates)
            """
    }()

    private static let wakeQuotaDeferredSQL = """
        UPDATE jobs SET run_at = ?2, updated_at = ?2
        WHERE tenant = ?1 AND state = 'queued' AND error_code = 'quota_exceeded' AND run_at > ?2
        """
}
