import Foundation
import Hummingbird
import Jobs
import ServiceLifecycle

/// `/v1/jobs`: submit one job, read it (with `?wait=` long-poll), list and cancel.
struct JobRoutes: Sendable {
    typealias Context = APIRequestContext

    let store: JobStore
    let configuration: APIConfiguration
    let lineParser: JobLineParser
    let bodyReader: RequestBodyReader
    /// Refuses submissions while the tenant is over quota (429 `quota_exceeded`).
    let quotaGate: SubmitQuotaGate

    func register(on v1: RouterGroup<Context>) {
        v1.post("jobs", use: create)
        v1.get("jobs", use: list)
        v1.get("jobs/{id}", use: get)
        v1.post("jobs/{id}/cancel", use: cancel)
    }

    /// `POST /v1/jobs`: one job line (plus an optional `completion_window`, which sets its deadline; default
    /// `APIConfiguration.defaultCompletionWindow`) → 202.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        try await quotaGate.check(tenant: caller.tenant)
        let idempotencyKey = try IdempotencyKey.from(request)
        let buffer = try await bodyReader.collect(request)
        let now = Date()
        let newJob = try RequestBodyReader.withBytes(buffer) { bytes -> NewJob in
            let value: JSONValue
            do {
                value = try JSONScanner.scan(bytes, collectLevels: 2)
            } catch let failure as JSONScanner.Failure {
                throw APIError.invalidRequest(
                    "The request body is not valid JSON: \(failure.reason) at byte \(failure.offset).",
                    code: "invalid_json"
                )
            }
            let view = JSONView(bytes: bytes)
            var job = try lineParser.parse(value, in: view, at: .single).job
            // Without one, the configured default window (as for a batch): a job never waits forever.
            var window = CompletionWindow(configuration.defaultCompletionWindow)!
            if let windowValue = view.member("completion_window", of: value), windowValue.kind != .null {
                window = try BatchRequestParser.completionWindow(view.string(windowValue))
            }
            job.deadline = now.addingTimeInterval(TimeInterval(window.seconds))
            job.webhookURL = try Self.webhookURL(value, in: view)
            return job
        }
        let requestHash = idempotencyKey.map { _ in IdempotencyKey.requestHash(request, body: buffer) }
        if let url = newJob.webhookURL {
            // An exact repeat gets the original job, even when the URL's name resolves elsewhere by now.
            if let original = try await originalJob(tenant: caller.tenant, key: idempotencyKey, hash: requestHash) {
                return .json(Self.render(original), status: .accepted)
            }
            try await WebhookRoutes.checkURL(url, param: "webhook_url", configuration: configuration)
        }
        let job = try await IdempotencyKey.refusingReuse {
            try await store.insertJob(
                newJob,
                tenant: caller.tenant,
                idempotencyKey: idempotencyKey,
                requestHash: requestHash,
                now: now
            )
        }
        return .json(Self.render(job), status: .accepted)
    }

    /// `GET /v1/jobs/{id}[?wait=SECONDS]`: the job; with `wait`, answers once it is final or the wait ends.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.jobID(context)
        let wait = try ListQuery(request).wait(maxSeconds: configuration.maxWaitSeconds)
        guard var job = try await store.job(id, tenant: caller.tenant) else { throw Self.notFound(id.description) }
        if let wait, !job.state.isFinal {
            // A graceful shutdown ends the wait early with the job as it is, so long-polls never hold back the
            // workers' drain (the API stops first and waits for its in-flight requests).
            let store = self.store
            let tenant = caller.tenant
            let waited = try await cancelWhenGracefulShutdown {
                try await store.waitUntilFinal(id, tenant: tenant, timeout: wait)
            }
            guard let waited else {
                throw Self.notFound(id.description)
            }
            job = waited
        }
        return .json(Self.render(job))
    }

    /// `GET /v1/jobs?status=&batch_id=&after=&limit=`: newest first, OpenAI's list shape.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let query = ListQuery(request)
        let limit = try query.limit()
        var state: JobState?
        if let text = query.string("status") {
            guard let parsed = JobState(rawValue: text) else {
                throw APIError.invalidRequest(
                    "`status` must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", ")).",
                    param: "status"
                )
            }
            state = parsed
        }
        let batch = try query.id("batch_id") { BatchID($0) }
        let after = try query.id("after") { JobID($0) }
        var jobs = try await store.jobs(
            tenant: caller.tenant,
            state: state,
            batch: batch,
            after: after,
            limit: limit + 1
        )
        let hasMore = jobs.count > limit
        if hasMore { jobs.removeLast(jobs.count - limit) }
        let writer = WireFormat.list(
            jobs,
            hasMore: hasMore,
            id: { $0.id.description },
            item: { job, w in WireFormat.job(job, into: &w) }
        )
        return .json(writer)
    }

    /// `POST /v1/jobs/{id}/cancel` (any or no body): queued jobs are cancelled at once, running ones are asked to
    /// stop. A job that is already final is a 400.
    @Sendable func cancel(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.jobID(context)
        guard let current = try await store.job(id, tenant: caller.tenant) else { throw Self.notFound(id.description) }
        if current.state.isFinal {
            throw APIError.invalidRequest(
                "Cannot cancel job \(id): it is already \(current.state.rawValue).",
                param: "id",
                code: "job_not_cancellable"
            )
        }
        guard let job = try await store.cancelJob(id, tenant: caller.tenant) else {
            throw Self.notFound(id.description)
        }
        return .json(Self.render(job))
    }

    static func render(_ job: Job) -> JSONWriter {
        var writer = JSONWriter(capacity: 512 + (job.response?.body.count ?? 0))
        WireFormat.job(job, into: &writer)
        return writer
    }

    static func jobID(_ context: Context) throws -> JobID {
        let text = context.parameters.get("id") ?? ""
        guard let id = JobID(text) else { throw notFound(text) }
        return id
    }

    static func notFound(_ id: String) -> APIError { .notFound("job", id: id) }
}
