package import struct Foundation.Date

/// Admin reads and writes of tenants and API keys beyond creation (see `JobStore.insertAPIKey`).
extension JobStore {
    /// Every tenant id, sorted.
    package func tenantIDs() async throws -> [String] {
        try await readers.read { db in try StoreReads(db: db).tenantIDs() }
    }

    /// The tenant's keys (revoked ones too), oldest first. Never the keys themselves: ids and prefixes.
    package func apiKeys(tenant: String) async throws -> [APIKeyRecord] {
        try await readers.read { db in try StoreReads(db: db).apiKeys(tenant: tenant) }
    }

    /// Revokes the tenant's key with this id: from the commit on it no longer authenticates. Revoking a revoked
    /// key keeps its first revocation time. Returns the key as it is after, nil when the tenant has no such key.
    package func revokeAPIKey(id: Int64, tenant: String, now: Date = Date()) async throws -> APIKeyRecord? {
        let now = now.unixMilliseconds
        return try await writer.write { db in try StoreWrites(db: db).revokeAPIKey(id: id, tenant: tenant, now: now) }
    }
}
