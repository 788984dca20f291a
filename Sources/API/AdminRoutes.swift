import Crypto
import Foundation
import Hummingbird
import Jobs
import Logging

/// `/v1/admin`: create tenants and their API keys. Admin key only (see `AdminOnlyMiddleware`).
///
/// - `POST /v1/admin/tenants` `{"id":"acme"}` → 201 `{"object":"tenant","id":"acme"}` (200 when it already existed).
/// - `POST /v1/admin/tenants/{id}/keys` → 201 `{"object":"api_key","tenant":"acme","key":"sk-sluice-…",
///   "prefix":"sk-sluice-ab12cd34"}`. The key is shown once; only its SHA-256 is stored.
struct AdminRoutes: Sendable {
    typealias Context = APIRequestContext

    /// The prefix of every generated key.
    static let keyPrefix = "sk-sluice-"

    let store: JobStore
    let bodyReader: RequestBodyReader

    func register(on admin: RouterGroup<Context>) {
        admin.post("tenants", use: createTenant)
        admin.post("tenants/{id}/keys", use: createKey)
    }

    @Sendable func createTenant(_ request: Request, context: Context) async throws -> Response {
        let buffer = try await bodyReader.collect(request)
        let id = try RequestBodyReader.withBytes(buffer) { bytes -> String in
            guard let document = try? JSONScanner.scan(bytes, collectLevels: 1), document.kind == .object else {
                throw APIError.invalidRequest("The request body must be a JSON object like {\"id\":\"acme\"}.")
            }
            let view = JSONView(bytes: bytes)
            guard let value = view.member("id", of: document), let id = view.string(value) else {
                throw APIError.invalidRequest("`id` is required.", param: "id")
            }
            return id
        }
        guard Self.isValidTenantID(id) else {
            throw APIError.invalidRequest(
                "A tenant id is 1 to 64 characters of a-z, 0-9, '_' and '-'.",
                param: "id",
                code: "invalid_tenant_id"
            )
        }
        let created = try await store.createTenant(id)
        context.logger.info("tenant created", metadata: ["tenant_id": "\(id)", "created": "\(created)"])
        var writer = JSONWriter()
        writer.object { o in
            o.field("object", "tenant")
            o.field("id", id)
        }
        return .json(writer, status: created ? .created : .ok)
    }

    @Sendable func createKey(_ request: Request, context: Context) async throws -> Response {
        let tenant = context.parameters.get("id") ?? ""
        guard Self.isValidTenantID(tenant), try await store.tenantExists(tenant) else {
            throw APIError.notFound("tenant", id: tenant)
        }
        let (key, prefix) = Self.generateKey()
        let hash = APIKeyDigest.of(key)
        try await store.insertAPIKey(tenant: tenant, keyHash: hash, prefix: prefix)
        context.logger.info("api key created", metadata: ["tenant_id": "\(tenant)", "prefix": "\(prefix)"])
        var writer = JSONWriter()
        writer.object { o in
            o.field("object", "api_key")
            o.field("tenant", tenant)
            o.field("key", key)
            o.field("prefix", prefix)
        }
        return .json(writer, status: .created)
    }

    /// `[a-z0-9_-]{1,64}`.
    static func isValidTenantID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: "-")
            }
    }

    /// A new key, `sk-sluice-` + 48 hex characters (192 random bits), and its non-secret label: the first 8 of them.
    static func generateKey() -> (key: String, prefix: String) {
        let random = SymmetricKey(size: .init(bitCount: 192))
        let hex = random.withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
        let key = keyPrefix + hex
        return (key, keyPrefix + String(hex.prefix(8)))
    }
}
