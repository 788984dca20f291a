import Foundation
import Hummingbird
import Jobs
import Logging
import NIOCore
import ServiceLifecycle

/// `/v1/batches`: submit (OpenAI's `input_file_id`, inline JSON or JSONL), read (with `?wait=`), list, cancel,
/// retry, and stream the results.
struct BatchRoutes: Sendable {
    typealias Context = APIRequestContext

    /// Content types read as JSONL (one line object per line).
    static let jsonlContentTypes: Set<String> = [
        "application/jsonl", "application/x-ndjson", "application/x-jsonlines", "application/jsonlines",
        "application/ndjson",
    ]

    let store: JobStore
    let configuration: APIConfiguration
    let parser: BatchRequestParser
    let bodyReader: RequestBodyReader
    /// Refuses submissions while the tenant is over quota (429 `quota_exceeded`).
    let quotaGate: SubmitQuotaGate

    func register(on v1: RouterGroup<Context>) {
        v1.post("batches", use: create)
        v1.get("batches", use: list)
        v1.get("batches/{id}", use: get)
        v1.post("batches/{id}/cancel", use: cancel)
        v1.post("batches/{id}/retry", use: retry)
        v1.get("batches/{id}/results", use: results)
    }

    /// `POST /v1/batches` → 202 batch object, sent only after the batch and all its jobs are committed; or, for
    /// OpenAI's `{"input_file_id", "endpoint", "completion_window", "metadata"}`, 200 with the batch `validating`
    /// (the batch validator reads the file and starts or fails it).
    ///
    /// A JSONL body may name its window with `?completion_window=`. A body sent with another content type
    /// (`curl --data-binary @batch.jsonl` sends a form type) is read as JSONL when its first line is a request
    /// line rather than an inline document.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        try await quotaGate.check(tenant: caller.tenant)
        let idempotencyKey = try IdempotencyKey.from(request)
        let query = ListQuery(request)
        let buffer = try await bodyReader.collect(request)
        let declaredJSONL = Self.isJSONL(request.headers[.contentType])
        if !declaredJSONL,
            let fileRequest = try RequestBodyReader.withBytes(buffer, { try BatchRequestParser.parseFileRequest($0) })
        {
            return try await createFromFile(
                fileRequest,
                tenant: caller.tenant,
                idempotencyKey: idempotencyKey,
                requestHash: IdempotencyKey.requestHash(request, body: buffer),
                context: context
            )
        }
        let parsed = try RequestBodyReader.withBytes(buffer) { bytes in
            declaredJSONL || BatchRequestParser.looksLikeJSONL(bytes)
                ? try parser.parseJSONL(bytes) : try parser.parseInline(bytes)
        }
        let window: CompletionWindow
        if let fromBody = parsed.completionWindow {
            window = fromBody
        } else if let text = query.string("completion_window") {
            window = try BatchRequestParser.completionWindow(text)
        } else {
            window = CompletionWindow(configuration.defaultCompletionWindow)!
        }
        let now = Date()
        let expiresAt = now.addingTimeInterval(TimeInterval(window.seconds))
        var jobs = parsed.jobs
        for index in jobs.indices { jobs[index].deadline = expiresAt }
        let newBatch = NewBatch(
            endpoint: parsed.endpoint,
            completionWindow: window.text,
            metadata: parsed.metadata,
            expiresAt: expiresAt,
            jobs: jobs
        )
        let requestHash = idempotencyKey.map { _ in IdempotencyKey.requestHash(request, body: buffer) }
        let batch = try await IdempotencyKey.refusingReuse {
            try await store.insertBatch(
                newBatch,
                tenant: caller.tenant,
                idempotencyKey: idempotencyKey,
                requestHash: requestHash,
                now: now
            )
        }
        context.logger.info(
            "batch accepted",
            metadata: ["batch_id": "\(batch.id)", "requests": "\(batch.counts.total)"]
        )
        return .json(Self.render(batch), status: .accepted)
    }

    /// `GET /v1/batches/{id}[?wait=SECONDS]`: the batch; with `wait`, answers once it is final (`completed`,
    /// `failed`, `expired`, `cancelled`) or the wait ends.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.batchID(context)
        let wait = try ListQuery(request).wait(maxSeconds: configuration.maxWaitSeconds)
        guard var batch = try await store.batch(id, tenant: caller.tenant) else { throw Self.notFound(id.description) }
        if let wait, !batch.status.isFinal {
            // A graceful shutdown ends the wait early with the batch as it is (see `JobRoutes.get`).
            let store = self.store
            let tenant = caller.tenant
            let waited = try await cancelWhenGracefulShutdown {
                try await store.waitUntilBatchFinal(id, tenant: tenant, timeout: wait)
            }
            guard let waited else { throw Self.notFound(id.description) }
            batch = waited
        }
        return .json(Self.render(batch))
    }

    /// `GET /v1/batches?after=&limit=`: newest first, OpenAI's list shape with `has_more` always present.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let query = ListQuery(request)
        let limit = try query.limit()
        let after = try query.id("after") { BatchID($0) }
        var batches = try await store.batches(tenant: caller.tenant, after: after, limit: limit + 1)
        let hasMore = batches.count > limit
        if hasMore { batches.removeLast(batches.count - limit) }
        let writer = WireFormat.list(
            batches,
            hasMore: hasMore,
            id: { $0.id.description },
            item: { batch, w in WireFormat.batch(batch, into: &w) }
        )
        return .json(writer)
    }

    /// `POST /v1/batches/{id}/cancel` (any or no body). Cancelling a final batch is a 400 (never 409: the SDK
    /// retries 409).
    @Sendable func cancel(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.batchID(context)
        guard let current = try await store.batch(id, tenant: caller.tenant) else {
            throw Self.notFound(id.description)
        }
        if current.status.isFinal {
            throw APIError.invalidRequest(
                "Cannot cancel batch \(id): it is already \(current.status.rawValue).",
                param: "id",
                code: "batch_not_cancellable"
            )
        }
        guard let batch = try await store.cancelBatch(id, tenant: caller.tenant) else {
            throw Self.notFound(id.description)
        }
        return .json(Self.render(batch))
    }

    /// `GET /v1/batches/{id}/results`: the final jobs so far as OpenAI batch output lines (`application/jsonl`),
    /// streamed page by page.
    @Sendable func results(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.batchID(context)
        guard try await store.batch(id, tenant: caller.tenant) != nil else { throw Self.notFound(id.description) }
        let store = self.store
        let pageSize = configuration.resultsPageSize
        let logger = context.logger
        let body = ResponseBody { writer in
            var after: JobID?
            do {
                while true {
                    let page = try await store.finalJobs(ofBatch: id, after: after, limit: pageSize)
                    guard let last = page.last else { break }
                    var lines = JSONWriter(capacity: page.count * 1024)
                    for job in page {
                        WireFormat.resultLine(job, into: &lines)
                        lines.newline()
                    }
                    try await writer.write(lines.buffer)
                    after = last.id
                    if page.count < pageSize { break }
                }
            } catch {
                // The status line is already sent: all we can do is cut the stream short, which the client sees.
                logger.error("results stream failed", metadata: ["batch_id": "\(id)", "error": "\(error)"])
                throw error
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/jsonl"], body: body)
    }

    static func isJSONL(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        return mediaType.map(jsonlContentTypes.contains) ?? false
    }

    static func render(_ batch: Batch) -> JSONWriter {
        var writer = JSONWriter(capacity: 1024)
        WireFormat.batch(batch, into: &writer)
        return writer
    }

    static func batchID(_ context: Context) throws -> BatchID {
        let text = context.parameters.get("id") ?? ""
        guard let id = BatchID(text) else { throw notFound(text) }
        return id
    }

    static func notFound(_ id: String) -> APIError { .notFound("batch", id: id) }
}
