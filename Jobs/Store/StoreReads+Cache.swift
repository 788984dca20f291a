import struct Foundation.Data
import struct Foundation.Date

/// The response cache's reads (see `JobStore+Cache.swift`).
extension StoreReads {
    /// The entry under `key`, unless it expired at `now`.
    func cacheEntry(key: Data, now: Int64) throws -> CacheEntry? {
        try db.withStatement(Self.cacheEntrySQL) { row in
            try row.bind(key, at: 1)
            try row.bind(now, at: 2)
            guard try row.step() else { return nil }
            var usage: TokenUsage?
            if let prompt = row.optionalInt(at: 7) {
                usage = TokenUsage(
                    promptTokens: prompt,
                    completionTokens: row.optionalInt(at: 8) ?? 0,
                    cachedTokens: row.optionalInt(at: 9) ?? 0
                )
            }
            return CacheEntry(
                key: row.data(at: 0),
                tenant: row.string(at: 1),
                provider: row.string(at: 2),
                model: row.string(at: 3),
                response: JobResponse(
                    statusCode: row.int(at: 4),
                    requestID: row.optionalString(at: 5),
                    body: row.data(at: 6),
                    usage: usage
                ),
                createdAt: Date(unixMilliseconds: row.int64(at: 10)),
                expiresAt: Date(unixMilliseconds: row.int64(at: 11)),
                hits: row.int(at: 12)
            )
        }
    }

    private static let cacheEntrySQL = """
        SELECT key, tenant, provider, model, response_status, response_request_id, response_body, prompt_tokens,
            completion_tokens, cached_tokens, created_at, expires_at, hits
        FROM cache WHERE key = ?1 AND expires_at > ?2
        """
}
