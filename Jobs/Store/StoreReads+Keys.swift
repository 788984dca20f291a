import struct Foundation.Date

/// Reads of tenants and API keys for the admin routes.
extension StoreReads {
    static let apiKeyColumns = "id, tenant, prefix, created_at, revoked_at"

    func tenantIDs() throws -> [String] {
        try db.withStatement("SELECT id FROM tenants ORDER BY id") { statement in
            var ids: [String] = []
            while try statement.step() { ids.append(statement.string(at: 0)) }
            return ids
        }
    }

    func apiKeys(tenant: String) throws -> [APIKeyRecord] {
        try db.withStatement("SELECT \(Self.apiKeyColumns) FROM api_keys WHERE tenant = ?1 ORDER BY id") { statement in
            try statement.bind(tenant, at: 1)
            var keys: [APIKeyRecord] = []
            while try statement.step() { keys.append(Self.apiKey(statement)) }
            return keys
        }
    }

    func apiKey(id: Int64, tenant: String) throws -> APIKeyRecord? {
        let sql = "SELECT \(Self.apiKeyColumns) FROM api_keys WHERE id = ?1 AND tenant = ?2"
        return try db.withStatement(sql) { statement in
            try statement.bind(id, at: 1)
            try statement.bind(tenant, at: 2)
            return try statement.step() ? Self.apiKey(statement) : nil
        }
    }

    /// A row selected with `apiKeyColumns`.
    static func apiKey(_ statement: SQLiteStatement) -> APIKeyRecord {
        APIKeyRecord(
            id: statement.int64(at: 0),
            tenant: statement.string(at: 1),
            prefix: statement.string(at: 2),
            createdAt: Date(unixMilliseconds: statement.int64(at: 3)),
            revokedAt: statement.optionalInt64(at: 4).map(Date.init(unixMilliseconds:))
        )
    }
}
