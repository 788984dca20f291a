import Foundation
import Hummingbird
import Jobs
import Logging

/// `/v1/admin/tenants/{id}/quotas`: read and set a tenant's quotas. Admin key only (see `AdminOnlyMiddleware`).
///
/// - `PUT` `{"requests_per_minute": 600, "tokens_per_day": 2000000, "usd_per_month": "12.50"}` sets the named
///   quotas; `null` removes one; quotas not named stay as they are. Keys: `{requests,tokens,usd}_per_{minute,day,
///   month}`. Requests and tokens are integers ≥ 0; dollars a decimal string (or number) with at most six decimals,
///   parsed exactly into micro-dollars. Unknown keys or bad values are a 400 naming the key; an unknown tenant 404.
/// - `GET` (and the `PUT`'s answer): the limits plus, per quota, the current window's recorded usage, what calls in
///   flight reserved, what remains and when it resets:
///   `{"object":"tenant.quotas","tenant":"acme","revision":3,"quotas":{"requests_per_minute":600,…,
///   "usd_per_month":"12.500000"},"usage":[{"quota":"usd_per_month","unit":"micro_usd","limit":12500000,
///   "used":1530,"reserved":0,"remaining":12498470,"window_start":1748736000,"resets_at":1751328000},…]}`.
///
/// Windows are UTC calendar minutes, days and months (see `QuotaWindow`).
struct QuotaRoutes: Sendable {
    typealias Context = APIRequestContext

    let store: JobStore
    let quotas: QuotaAccountant
    let bodyReader: RequestBodyReader

    func register(on admin: RouterGroup<Context>) {
        admin.get("tenants/{id}/quotas", use: get)
        admin.put("tenants/{id}/quotas", use: put)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let tenant = try await existingTenant(context)
        return try await render(tenant: tenant)
    }

    @Sendable func put(_ request: Request, context: Context) async throws -> Response {
        let tenant = context.parameters.get("id") ?? ""
        guard AdminRoutes.isValidTenantID(tenant) else { throw APIError.notFound("tenant", id: tenant) }
        let buffer = try await bodyReader.collect(request)
        let changes = try RequestBodyReader.withBytes(buffer) { bytes in try Self.parseChanges(bytes) }
        guard try await quotas.update(tenant: tenant, changes: changes) != nil else {
            throw APIError.notFound("tenant", id: tenant)
        }
        context.logger.info(
            "tenant quotas updated",
            metadata: ["tenant_id": "\(tenant)", "quotas": "\(changes.keys.sorted().map(\.name))"]
        )
        return try await render(tenant: tenant)
    }

    /// The changes a `PUT` body asks for: a limit per named quota, nil for `null`.
    static func parseChanges(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [QuotaKey: Int64?] {
        guard let document = try? JSONScanner.scan(bytes, collectLevels: 1), document.kind == .object else {
            throw APIError.invalidRequest(
                #"The request body must be a JSON object like {"usd_per_month":"12.50","requests_per_minute":600}."#
            )
        }
        let view = JSONView(bytes: bytes)
        var changes: [QuotaKey: Int64?] = [:]
        for member in document.members {
            let inner = (member.keyRange.lowerBound + 1)..<(member.keyRange.upperBound - 1)
            let name =
                member.keyHasEscapes
                ? JSONView.unescape(view.slice(inner)) : String(decoding: view.slice(inner), as: UTF8.self)
            guard let key = QuotaKey(name: name) else {
                throw APIError.invalidRequest(
                    "Unknown quota `\(APIError.printableID(name))`; quotas are requests_per_{minute,day,month}, "
                        + "tokens_per_{minute,day,month} and usd_per_{minute,day,month}.",
                    param: APIError.printableID(name),
                    code: "unknown_quota"
                )
            }
            changes[key] = try limit(member.value, for: key, in: view)
        }
        return changes
    }

    private static func limit(_ value: JSONValue, for key: QuotaKey, in view: JSONView) throws -> Int64? {
        if value.kind == .null { return nil }
        switch key.metric {
        case .requests, .tokens:
            guard let count = view.int(value), count >= 0 else {
                throw APIError.invalidRequest(
                    "`\(key.name)` must be a whole number ≥ 0, or null to remove the quota.",
                    param: key.name,
                    code: "invalid_quota"
                )
            }
            return Int64(count)
        case .usd:
            let text: String? =
                switch value.kind {
                case .string: view.string(value)
                case .integer, .number: String(decoding: view.slice(value.range), as: UTF8.self)
                default: nil
                }
            guard let text, let micros = MicroDollars.parse(dollars: text) else {
                throw APIError.invalidRequest(
                    "`\(key.name)` must be an amount of US dollars ≥ 0 with at most six decimals, such as \"12.50\", "
                        + "or null to remove the quota.",
                    param: key.name,
                    code: "invalid_quota"
                )
            }
            return micros
        }
    }

    private func existingTenant(_ context: Context) async throws -> String {
        let tenant = context.parameters.get("id") ?? ""
        guard AdminRoutes.isValidTenantID(tenant), try await store.tenantExists(tenant) else {
            throw APIError.notFound("tenant", id: tenant)
        }
        return tenant
    }

    private func render(tenant: String) async throws -> Response {
        let statuses = try await quotas.status(tenant: tenant)
        let limits = try await store.quotas(tenant: tenant)
        var writer = JSONWriter()
        writer.object { o in
            o.field("object", "tenant.quotas")
            o.field("tenant", tenant)
            o.field("revision", Int(limits.revision))
            o.key("quotas")
            o.object { q in
                for key in QuotaKey.all {
                    let limit = limits[key]
                    if key.metric == .usd {
                        q.field(key.name, limit.map(MicroDollars.format))
                    } else {
                        q.field(key.name, limit.map { Int($0) })
                    }
                }
            }
            o.key("usage")
            o.array { a in
                for status in statuses {
                    a.object { u in
                        u.field("quota", status.key.name)
                        u.field("unit", Self.unit(status.key.metric))
                        u.field("limit", status.limit.map { Int($0) })
                        u.field("used", Int(status.used))
                        u.field("reserved", Int(status.reserved))
                        u.field("remaining", status.remaining.map { Int($0) })
                        u.field("window_start", Int(status.windowStart.timeIntervalSince1970))
                        u.field("resets_at", Int(status.resetsAt.timeIntervalSince1970))
                    }
                }
            }
        }
        return .json(writer)
    }

    static func unit(_ metric: QuotaMetric) -> String {
        switch metric {
        case .requests: "requests"
        case .tokens: "tokens"
        case .usd: "micro_usd"
        }
    }
}
