package import struct Foundation.Data
package import struct Foundation.Date

/// One answer in Sluice's response cache, stored under the fingerprint of the request it answered.
package struct CacheEntry: Sendable, Equatable {
    /// The request's fingerprint (SHA-256, 32 bytes); it already includes the tenant when the cache is scoped.
    package var key: Data
    /// The tenant whose call produced the answer (for pruning and inspection; the key does the scoping).
    package var tenant: String
    package var provider: String
    package var model: String
    /// The provider's answer: status, request id, body and usage (what a hit records as saved).
    package var response: JobResponse
    package var createdAt: Date
    /// After this the entry is not served (and maintenance may prune it).
    package var expiresAt: Date
    /// How many times it was served from the store.
    package var hits: Int

    package init(
        key: Data,
        tenant: String,
        provider: String,
        model: String,
        response: JobResponse,
        createdAt: Date,
        expiresAt: Date,
        hits: Int = 0
    ) {
        self.key = key
        self.tenant = tenant
        self.provider = provider
        self.model = model
        self.response = response
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.hits = hits
    }
}
