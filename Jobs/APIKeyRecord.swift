package import struct Foundation.Date

/// A stored API key as an admin sees it: never the key, only its row id and its non-secret prefix.
package struct APIKeyRecord: Sendable, Equatable {
    /// The row id, written `key_<n>` on the wire.
    package var id: Int64
    package var tenant: String
    /// The key's first characters (`sk-sluice-ab12cd34`), a label for listings.
    package var prefix: String
    package var createdAt: Date
    /// When the key was revoked; a revoked key no longer authenticates.
    package var revokedAt: Date?

    package init(id: Int64, tenant: String, prefix: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.tenant = tenant
        self.prefix = prefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
