package import struct Foundation.Data
package import struct Foundation.Date

/// Sluice's response cache: answers stored by request fingerprint, with a TTL. Lookups run on the reader pool;
/// stores, hit counts and pruning go through the group-commit writer.
///
/// ```swift
/// if let entry = try await store.cachedResponse(key: key, now: Date()) { … entry.response … }
/// try await store.storeCachedResponse(CacheEntry(key: key, tenant: t, provider: p, model: m, response: r,
///                                                createdAt: now, expiresAt: now + ttl))
/// ```
extension JobStore {
    /// The entry stored under `key`, unless it expired at `now`.
    package func cachedResponse(key: Data, now: Date = Date()) async throws -> CacheEntry? {
        let now = now.unixMilliseconds
        return try await readers.read { db in try StoreReads(db: db).cacheEntry(key: key, now: now) }
    }

    /// Counts one more hit on the entry (a no-op when it is gone).
    package func recordCacheHit(key: Data) async throws {
        try await writer.write { db in try StoreWrites(db: db).recordCacheHit(key: key) }
    }

    /// Stores the entry, replacing any entry under the same key (its hit count starts again at 0).
    package func storeCachedResponse(_ entry: CacheEntry) async throws {
        try await writer.write { db in try StoreWrites(db: db).storeCacheEntry(entry) }
    }

    /// Deletes the entries expired at `now`; returns how many.
    @discardableResult
    package func pruneExpiredCache(now: Date = Date()) async throws -> Int {
        let now = now.unixMilliseconds
        return try await writer.write { db in try StoreWrites(db: db).pruneExpiredCache(now: now) }
    }
}
