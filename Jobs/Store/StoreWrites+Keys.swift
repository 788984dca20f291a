/// Writes of API keys beyond creation.
extension StoreWrites {
    /// Sets `revoked_at` once (a second revocation keeps the first time); returns the key after, nil when the
    /// tenant has no key with this id.
    func revokeAPIKey(id: Int64, tenant: String, now: Int64) throws -> APIKeyRecord? {
        _ = try db.run("UPDATE api_keys SET revoked_at = ?3 WHERE id = ?1 AND tenant = ?2 AND revoked_at IS NULL") {
            try $0.bind(id, at: 1)
            try $0.bind(tenant, at: 2)
            try $0.bind(now, at: 3)
        }
        return try StoreReads(db: db).apiKey(id: id, tenant: tenant)
    }
}
