import Foundation
import Hummingbird
import Jobs

/// `GET /v1/usage`: what the cost ledger recorded, summed and grouped.
///
/// Query parameters:
/// - `start_time` (inclusive), `end_time` (exclusive): Unix seconds; both optional.
/// - `group_by`: any of `provider`, `model`, `day` (UTC), `batch`, `tenant`, comma-separated or repeated
///   (`group_by=model&group_by=day`, `group_by[]=model`); none gives one total row.
/// - `tenant`: admin key only; without it an admin sees every tenant. A tenant key sees only its own tenant
///   (naming another tenant is a 403).
///
/// Answer: `{"object":"list","data":[{<group keys>, "requests", "cache_hits", "prompt_tokens", "cached_tokens",
/// "completion_tokens", "cost_micros", "cost_usd", "known_cost_micros", "unknown_cost_requests",
/// "saved_micros"}]}`. Money is integer micro-dollars; `cost_usd` is the same amount as an exact decimal
/// string with six decimals. `cost_micros` and `cost_usd` are null when any request's price was unknown
/// (`unknown_cost_requests` > 0); `known_cost_micros` is the sum of the known part.
struct UsageRoutes: Sendable {
    typealias Context = APIRequestContext

    let store: JobStore

    func register(on v1: RouterGroup<Context>) {
        v1.get("usage", use: usage)
    }

    @Sendable func usage(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let query = ListQuery(request)
        var usageQuery = UsageQuery()
        usageQuery.start = try Self.time(query, "start_time")
        usageQuery.end = try Self.time(query, "end_time")
        usageQuery.groupBy = try Self.groupings(query)
        if let tenant = query.string("tenant") {
            guard caller.isAdmin || tenant == caller.tenant else {
                throw APIError(
                    .forbidden,
                    .permission,
                    message: "Only the admin key can read another tenant's usage.",
                    param: "tenant",
                    code: "admin_required"
                )
            }
            usageQuery.tenant = tenant
        } else if !caller.isAdmin {
            usageQuery.tenant = caller.tenant
        }
        let groups = try await store.usage(usageQuery)
        var writer = JSONWriter(capacity: 256 + groups.count * 320)
        writer.object { o in
            o.field("object", "list")
            o.key("data")
            o.array { a in
                for group in groups { WireFormat.usageGroup(group, keys: usageQuery.groupBy, into: &a) }
            }
        }
        return .json(writer)
    }

    /// Parses `group_by` (comma-separated and/or repeated, also as `group_by[]`); duplicates are dropped.
    static func groupings(_ query: ListQuery) throws -> [UsageQuery.Grouping] {
        let values = query.parameters[values: "group_by"] + query.parameters[values: "group_by[]"]
        var groupings: [UsageQuery.Grouping] = []
        for value in values {
            for name in value.split(separator: ",") {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard let grouping = UsageQuery.Grouping(rawValue: trimmed) else {
                    let allowed = UsageQuery.Grouping.allCases.map(\.rawValue).joined(separator: ", ")
                    throw APIError.invalidRequest("`group_by` takes any of \(allowed).", param: "group_by")
                }
                if !groupings.contains(grouping) { groupings.append(grouping) }
            }
        }
        return groupings
    }

    /// A Unix-seconds parameter, or nil when absent.
    static func time(_ query: ListQuery, _ name: Substring) throws -> Date? {
        guard let text = query.string(name) else { return nil }
        guard let seconds = Int64(text), seconds >= 0, seconds < 100_000_000_000 else {
            throw APIError.invalidRequest("`\(name)` must be a Unix time in seconds.", param: String(name))
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
