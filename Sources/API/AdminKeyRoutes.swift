import Foundation
import Hummingbird
import Jobs
import Logging

/// `/v1/admin`: list tenants, list a tenant's API keys, revoke a key. Admin key only (see `AdminOnlyMiddleware`).
/// Keys are created by `AdminRoutes`; here they appear by id and prefix only, never in full.
///
/// - `GET /v1/admin/tenants` → `{"object":"list","data":[{"object":"tenant","id":"acme"}],…}`.
/// - `GET /v1/admin/tenants/{id}/keys` → `{"object":"list","data":[{"object":"api_key","id":"key_3","tenant":"acme",
///   "prefix":"sk-sluice-ab12cd34","created_at":…,"revoked_at":null}],…}`, oldest first.
/// - `DELETE /v1/admin/tenants/{id}/keys/{key_id}` → the key with `revoked_at` set; from then on it gets 401s.
///   Revoking twice keeps the first time.
struct AdminKeyRoutes: Sendable {
    typealias Context = APIRequestContext

    let store: JobStore

    func register(on admin: RouterGroup<Context>) {
        admin.get("tenants", use: listTenants)
        admin.get("tenants/{id}/keys", use: listKeys)
        admin.delete("tenants/{id}/keys/{key_id}", use: revokeKey)
    }

    @Sendable func listTenants(_ request: Request, context: Context) async throws -> Response {
        let tenants = try await store.tenantIDs()
        let writer = WireFormat.list(
            tenants,
            hasMore: false,
            id: { $0 },
            item: { tenant, w in
                w.object { o in
                    o.field("object", "tenant")
                    o.field("id", tenant)
                }
            }
        )
        return .json(writer)
    }

    @Sendable func listKeys(_ request: Request, context: Context) async throws -> Response {
        let tenant = try await existingTenant(context)
        let keys = try await store.apiKeys(tenant: tenant)
        let writer = WireFormat.list(
            keys,
            hasMore: false,
            id: { Self.keyID($0.id) },
            item: { key, w in Self.render(key, into: &w) }
        )
        return .json(writer)
    }

    @Sendable func revokeKey(_ request: Request, context: Context) async throws -> Response {
        let tenant = try await existingTenant(context)
        let text = context.parameters.get("key_id") ?? ""
        guard let id = Self.parseKeyID(text), let key = try await store.revokeAPIKey(id: id, tenant: tenant) else {
            throw APIError.notFound("api key", id: text)
        }
        context.logger.info("api key revoked", metadata: ["tenant_id": "\(tenant)", "prefix": "\(key.prefix)"])
        var writer = JSONWriter()
        Self.render(key, into: &writer)
        return .json(writer)
    }

    private func existingTenant(_ context: Context) async throws -> String {
        let tenant = context.parameters.get("id") ?? ""
        guard AdminRoutes.isValidTenantID(tenant), try await store.tenantExists(tenant) else {
            throw APIError.notFound("tenant", id: tenant)
        }
        return tenant
    }

    static func render(_ key: APIKeyRecord, into w: inout JSONWriter) {
        w.object { o in
            o.field("object", "api_key")
            o.field("id", keyID(key.id))
            o.field("tenant", key.tenant)
            o.field("prefix", key.prefix)
            o.field("created_at", WireFormat.seconds(key.createdAt))
            o.field("revoked_at", key.revokedAt.map(WireFormat.seconds))
        }
    }

    /// `key_<n>` on the wire.
    static func keyID(_ id: Int64) -> String { "key_\(id)" }

    /// Parses `key_<n>`; nil for anything else.
    static func parseKeyID(_ text: String) -> Int64? {
        guard text.hasPrefix("key_"), let value = Int64(text.dropFirst(4)), value > 0 else { return nil }
        return value
    }
}
