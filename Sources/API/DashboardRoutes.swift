import Foundation
import HTTPTypes
import Hummingbird
import Jobs
import NIOCore

/// The operator's dashboard: `GET /` serves the page (public: it holds no data), and
/// `GET /v1/admin/dashboard` (admin key only) the JSON snapshot the page fetches every few seconds.
///
/// The snapshot: lanes (configured and learned limits, concurrency, running and queued jobs, 429 pause), the
/// queue now and its per-minute history, spend by model and by tenant from the cost ledger over the last
/// `spend_hours` (default 24), the most recent failed jobs (error code and message, never a prompt or an answer)
/// and the batches still in progress.
struct DashboardRoutes: Sendable {
    typealias Context = APIRequestContext

    /// Default and largest `spend_hours`.
    static let defaultSpendHours = 24
    static let maxSpendHours = 24 * 366
    /// Longest error message the snapshot carries (longer ones are cut, with `…`).
    static let maxMessageCharacters = 300

    let store: JobStore
    /// Lanes as configured, shown when no `source` knows better.
    let providers: [ProviderConfiguration]
    let source: (any OperatorSnapshotSource)?

    func register(root: Router<Context>, admin: RouterGroup<Context>) {
        root.get("/", use: Self.page)
        admin.get("dashboard", use: snapshot)
    }

    /// `GET /`: the page, self-contained (inline CSS, JS and SVG). Its content security policy forbids loading
    /// anything from elsewhere, so a mistake cannot reach out either.
    @Sendable static func page(_ request: Request, context: Context) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-store",
                .contentSecurityPolicy: DashboardPage.contentSecurityPolicy,
                HTTPField.Name("x-frame-options")!: "DENY",
                HTTPField.Name("referrer-policy")!: "no-referrer",
                HTTPField.Name("x-content-type-options")!: "nosniff",
            ],
            body: .init(byteBuffer: DashboardPage.buffer)
        )
    }

    /// `GET /v1/admin/dashboard[?spend_hours=]`.
    @Sendable func snapshot(_ request: Request, context: Context) async throws -> Response {
        let query = ListQuery(request)
        let hours = try Self.spendHours(query)
        let now = Date()
        let since = now.addingTimeInterval(-Double(hours) * 3600)
        async let depths = store.queueDepths()
        async let byModel = store.usage(UsageQuery(start: since, groupBy: [.provider, .model]))
        async let byTenant = store.usage(UsageQuery(start: since, groupBy: [.tenant]))
        async let failures = store.recentFailures()
        async let batches = store.activeBatches()
        let configured = Dictionary(providers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let history = try await source?.history() ?? []
        let queue = try await depths
        let lanes =
            source?.lanes()
            ?? providers.map { provider in
                OperatorLane(
                    provider: provider.name,
                    rpm: provider.limits.rpm,
                    tpm: provider.limits.tpm,
                    maxConcurrency: provider.limits.maxConcurrency,
                    running: queue.first { $0.provider == provider.name }?.running ?? 0
                )
            }
        let spendByModel = try await byModel.sorted(by: Self.moreSpent)
        let spendByTenant = try await byTenant.sorted(by: Self.moreSpent)
        let failed = try await failures
        let active = try await batches

        var writer = JSONWriter(capacity: 4096 + history.count * 96 + failed.count * 512)
        writer.object { o in
            o.field("object", "dashboard")
            o.field("generated_at", Int(now.timeIntervalSince1970))
            o.field("spend_since", Int(since.timeIntervalSince1970))
            o.key("queue")
            o.object { q in
                q.field("queued", queue.reduce(0) { $0 + $1.queued })
                q.field("running", queue.reduce(0) { $0 + $1.running })
            }
            o.key("lanes")
            o.array { a in
                for lane in lanes.sorted(by: { $0.provider < $1.provider }) {
                    let depth = queue.first { $0.provider == lane.provider }
                    Self.lane(lane, configured: configured[lane.provider], depth: depth, into: &a)
                }
            }
            o.key("history")
            o.array { a in
                for sample in history {
                    a.object { s in
                        s.field("time", Int(sample.time.timeIntervalSince1970))
                        s.field("queued", sample.queued)
                        s.field("running", sample.running)
                        s.field("finished", sample.finished)
                        s.field("interval_seconds", sample.intervalSeconds)
                    }
                }
            }
            o.key("spend_by_model")
            o.array { a in
                for group in spendByModel { WireFormat.usageGroup(group, keys: [.provider, .model], into: &a) }
            }
            o.key("spend_by_tenant")
            o.array { a in
                for group in spendByTenant { WireFormat.usageGroup(group, keys: [.tenant], into: &a) }
            }
            o.key("failures")
            o.array { a in
                for job in failed { Self.failure(job, into: &a) }
            }
            o.key("batches")
            o.array { a in
                for batch in active { Self.batch(batch, into: &a) }
            }
        }
        return .json(writer)
    }

    /// Biggest spender first; requests break ties.
    static func moreSpent(_ lhs: UsageGroup, _ rhs: UsageGroup) -> Bool {
        (lhs.cost.knownCostMicros, lhs.requests) > (rhs.cost.knownCostMicros, rhs.requests)
    }

    static func spendHours(_ query: ListQuery) throws -> Int {
        guard let text = query.string("spend_hours") else { return defaultSpendHours }
        guard let hours = Int(text), (1...maxSpendHours).contains(hours) else {
            throw APIError.invalidRequest(
                "`spend_hours` must be an integer from 1 to \(maxSpendHours).",
                param: "spend_hours"
            )
        }
        return hours
    }

    static func lane(
        _ lane: OperatorLane,
        configured: ProviderConfiguration?,
        depth: QueueDepth?,
        into a: inout JSONWriter
    ) {
        a.object { l in
            l.field("provider", lane.provider)
            l.field("kind", configured?.kind.rawValue)
            l.field("rpm", lane.rpm)
            l.field("tpm", lane.tpm)
            l.field("max_concurrency", lane.maxConcurrency)
            l.field("running", lane.running)
            l.field("queued", depth?.queued ?? 0)
            l.key("learned")
            l.array { m in
                for learned in lane.learned {
                    m.object { e in
                        e.field("model", learned.model)
                        e.field("rpm", learned.rpm)
                        e.field("tpm", learned.tpm)
                    }
                }
            }
            l.field("adaptive_window", lane.adaptiveWindow)
            l.field("paused", lane.pausedFor != nil)
            l.field("paused_ms", lane.pausedFor.map(milliseconds))
        }
    }

    static func failure(_ job: Job, into a: inout JSONWriter) {
        a.object { f in
            f.field("id", job.id.description)
            f.field("tenant", job.tenant)
            f.field("batch_id", job.batchID?.description)
            f.field("custom_id", job.customID)
            f.field("provider", job.provider)
            f.field("model", job.model)
            f.field("attempts", job.attempt)
            f.field("finished_at", job.finishedAt.map { Int($0.timeIntervalSince1970) })
            f.field("status_code", job.response?.statusCode)
            f.field("code", job.error?.code)
            f.field("message", job.error.map { truncated($0.message) })
        }
    }

    static func batch(_ batch: Batch, into a: inout JSONWriter) {
        a.object { b in
            b.field("id", batch.id.description)
            b.field("tenant", batch.tenant)
            b.field("status", batch.status.rawValue)
            b.field("created_at", Int(batch.createdAt.timeIntervalSince1970))
            b.field("expires_at", Int(batch.expiresAt.timeIntervalSince1970))
            b.field("total", batch.counts.total)
            b.field("succeeded", batch.counts.succeeded)
            b.field("failed", batch.counts.failed)
            b.field("cancelled", batch.counts.cancelled)
            b.field("expired", batch.counts.expired)
            WireFormat.costFields(batch.cost, into: &b)
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// The message cut to `maxMessageCharacters` characters.
    static func truncated(_ message: String) -> String {
        message.count <= maxMessageCharacters ? message : String(message.prefix(maxMessageCharacters - 1)) + "…"
    }
}
