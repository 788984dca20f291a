import struct Foundation.Data

/// The response cache's writes (see `JobStore+Cache.swift`).
extension StoreWrites {
    func storeCacheEntry(_ entry: CacheEntry) throws {
        try db.run(Self.upsertCacheSQL) {
            try $0.bind(entry.key, at: 1)
            try $0.bind(entry.tenant, at: 2)
            try $0.bind(entry.provider, at: 3)
            try $0.bind(entry.model, at: 4)
            try $0.bind(entry.response.statusCode, at: 5)
            try $0.bind(entry.response.requestID, at: 6)
            try $0.bind(entry.response.body, at: 7)
            try $0.bind(entry.response.usage?.promptTokens, at: 8)
            try $0.bind(entry.response.usage?.completionTokens, at: 9)
            try $0.bind(entry.response.usage?.cachedTokens, at: 10)
            try $0.bind(entry.createdAt.unixMilliseconds, at: 11)
            try $0.bind(entry.expiresAt.unixMilliseconds, at: 12)
        }
    }

    func recordCacheHit(key: Data) throws {
        try db.run("UPDATE cache SET hits = hits + 1 WHERE key = ?1") { try $0.bind(key, at: 1) }
    }

    func pruneExpiredCache(now: Int64) throws -> Int {
        try db.run("DELETE FROM cache WHERE expires_at <= ?1") { try $0.bind(now, at: 1) }
    }

    private static let upsertCacheSQL = """
        INSERT INTO cache(key, tenant, provider, model, response_status, response_request_id, response_body,
            prompt_tokens, completion_tokens, cached_tokens, created_at, expires_at, hits)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0)
        ON CONFLICT(key) DO UPDATE SET tenant = excluded.tenant, provider = excluded.provider,
            model = excluded.model, response_status = excluded.response_status,
            response_request_id = excluded.response_request_id, response_body = excluded.response_body,
            prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens,
            cached_tokens = excluded.cached_tokens, created_at = excluded.created_at,
            expires_at = excluded.expires_at, hits = 0
        """
}
