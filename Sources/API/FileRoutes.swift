import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Jobs
import Logging
import NIOCore

/// `/v1/files`: OpenAI's Files API. Uploads stream to disk (never held in memory) under their own size limit,
/// `APIConfiguration.maxFileBytes`.
struct FileRoutes: Sendable {
    typealias Context = APIRequestContext

    /// How long a `batch` file lives when the upload names no `expires_after` (OpenAI's default: 30 days).
    static let defaultBatchFileLifetime: TimeInterval = 30 * 86_400
    /// Accepted `expires_after[seconds]` (OpenAI's: one hour to 30 days).
    static let expiresAfterRange = 3_600...2_592_000
    /// Default and accepted `limit` of `GET /v1/files` (OpenAI's).
    static let defaultListLimit = 10_000
    static let listLimitRange = 1...10_000

    let store: JobStore
    let configuration: APIConfiguration

    func register(on v1: RouterGroup<Context>) {
        v1.post("files", use: create)
        v1.get("files", use: list)
        v1.get("files/{id}", use: get)
        v1.delete("files/{id}", use: delete)
        v1.get("files/{id}/content", use: content)
    }

    /// `POST /v1/files` (multipart: `purpose`, `file`, optional `expires_after[anchor|seconds]`) → 200 File
    /// object, sent after the content is fsynced and the row committed.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let idempotencyKey = try IdempotencyKey.from(request)
        let maxBytes = configuration.maxFileBytes
        if let announced = request.headers[.contentLength].flatMap({ Int($0) }), announced > maxBytes {
            throw APIError.bodyTooLarge(limit: maxBytes)
        }
        guard let contentType = request.headers[.contentType],
            let boundary = MultipartParser.boundary(fromContentType: contentType)
        else {
            throw APIError.invalidRequest(
                "The request must be multipart/form-data with a boundary, holding the fields `purpose` and `file`.",
                code: "invalid_content_type"
            )
        }
        let staged = store.stageFileURL()
        // Removes the staged content on every path that does not hand it to the store (which removes it itself).
        var handedOver = false
        defer { if !handedOver { try? FileManager.default.removeItem(at: staged) } }
        let upload = try await FileUpload.receive(
            request.body,
            boundary: boundary,
            stagedAt: staged,
            maxBytes: maxBytes
        )
        let now = Date()
        let newFile = try Self.newFile(from: upload, now: now)
        handedOver = true
        let file = try await IdempotencyKey.refusingReuse {
            try await store.insertFile(
                newFile,
                stagedAt: staged,
                tenant: caller.tenant,
                idempotencyKey: idempotencyKey,
                requestHash: Self.requestHash(upload, purpose: newFile.purpose, filename: newFile.filename),
                now: now
            )
        }
        context.logger.info(
            "file stored",
            metadata: ["file_id": "\(file.id)", "bytes": "\(file.bytes)", "lines": "\(file.lines ?? 0)"]
        )
        return .json(Self.render(file))
    }

    /// `GET /v1/files?purpose=&limit=&order=&after=`: OpenAI's list shape, `has_more` always sent.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let query = ListQuery(request)
        var limit = Self.defaultListLimit
        if let text = query.string("limit") {
            guard let parsed = Int(text), Self.listLimitRange.contains(parsed) else {
                throw APIError.invalidRequest(
                    "`limit` must be an integer from \(Self.listLimitRange.lowerBound) to "
                        + "\(Self.listLimitRange.upperBound).",
                    param: "limit"
                )
            }
            limit = parsed
        }
        var order = ListOrder.descending
        if let text = query.string("order") {
            guard let parsed = ListOrder(rawValue: text) else {
                throw APIError.invalidRequest("`order` must be `asc` or `desc`.", param: "order")
            }
            order = parsed
        }
        var purpose: FilePurpose?
        if let text = query.string("purpose") {
            guard let parsed = FilePurpose(rawValue: text) else {
                throw APIError.invalidRequest(
                    "`purpose` must be one of \(FilePurpose.allCases.map(\.rawValue).joined(separator: ", ")).",
                    param: "purpose"
                )
            }
            purpose = parsed
        }
        let after = try query.id("after") { FileID($0) }
        var files = try await store.files(
            tenant: caller.tenant,
            after: after,
            limit: limit + 1,
            purpose: purpose,
            order: order
        )
        let hasMore = files.count > limit
        if hasMore { files.removeLast(files.count - limit) }
        let writer = WireFormat.list(
            files,
            hasMore: hasMore,
            id: { $0.id.description },
            item: { file, w in WireFormat.file(file, into: &w) }
        )
        return .json(writer)
    }

    /// `GET /v1/files/{id}`.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.fileID(context)
        guard let file = try await store.file(id, tenant: caller.tenant) else { throw Self.notFound(id.description) }
        return .json(Self.render(file))
    }

    /// `DELETE /v1/files/{id}` (any or no body) → `{"id","object":"file","deleted":true}`. A batch reading the
    /// file keeps running.
    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.fileID(context)
        guard try await store.deleteFile(id, tenant: caller.tenant) else { throw Self.notFound(id.description) }
        var writer = JSONWriter()
        writer.object { o in
            o.field("id", id.description)
            o.field("object", "file")
            o.field("deleted", true)
        }
        return .json(writer)
    }

    /// `GET /v1/files/{id}/content`: the bytes as uploaded (or written), streamed from disk.
    @Sendable func content(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.fileID(context)
        guard let file = try await store.file(id, tenant: caller.tenant) else { throw Self.notFound(id.description) }
        let body: ResponseBody
        do {
            body = try await FileIO().loadFile(path: store.fileURL(id).path, context: context)
        } catch {
            // Deleted between the read of its row and now.
            throw Self.notFound(id.description)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/octet-stream", .contentLength: String(file.bytes)],
            body: body
        )
    }

    // MARK: Helpers

    /// Checks the upload's fields and builds the row to insert.
    static func newFile(from upload: FileUpload, now: Date) throws -> NewFile {
        guard let purposeText = upload.purpose else {
            throw APIError.invalidRequest("The form field `purpose` is required.", param: "purpose")
        }
        guard let purpose = FilePurpose(rawValue: purposeText), purpose.isUploadable else {
            throw APIError.invalidRequest(
                "`purpose` must be `batch` or `user_data`.",
                param: "purpose"
            )
        }
        guard upload.hasFile else {
            throw APIError.invalidRequest("The form field `file` is required.", param: "file")
        }
        if purpose == .batch {
            if let failure = upload.lineFailure {
                throw APIError.invalidRequest(
                    "Line \(failure.line) of the file is not a batch request line: \(failure.reason).",
                    param: "file",
                    code: "invalid_file_line"
                )
            }
            guard upload.lines > 0 else {
                throw APIError.invalidRequest("The batch input file is empty.", param: "file", code: "empty_file")
            }
        }
        var expiresAt: Date? = purpose == .batch ? now.addingTimeInterval(defaultBatchFileLifetime) : nil
        if upload.expiresAfterAnchor != nil || upload.expiresAfterSeconds != nil {
            guard upload.expiresAfterAnchor == "created_at" else {
                throw APIError.invalidRequest(
                    "`expires_after[anchor]` must be `created_at`.",
                    param: "expires_after[anchor]"
                )
            }
            guard let seconds = upload.expiresAfterSeconds.flatMap({ Int($0) }),
                expiresAfterRange.contains(seconds)
            else {
                throw APIError.invalidRequest(
                    "`expires_after[seconds]` must be an integer from \(expiresAfterRange.lowerBound) to "
                        + "\(expiresAfterRange.upperBound).",
                    param: "expires_after[seconds]"
                )
            }
            expiresAt = now.addingTimeInterval(TimeInterval(seconds))
        }
        return NewFile(
            purpose: purpose,
            filename: sanitizedFilename(upload.filename),
            bytes: upload.bytes,
            lines: upload.lines,
            sha256: upload.sha256,
            expiresAt: expiresAt
        )
    }

    /// The stored name: the client's base name (no directories, no control characters, at most 255 bytes), or
    /// `upload` as the SDK names raw bytes.
    static func sanitizedFilename(_ name: String?) -> String {
        let base = (name ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(base.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        while cleaned.utf8.count > 255 { cleaned.removeLast() }
        return cleaned.isEmpty ? "upload" : cleaned
    }

    /// SHA-256 over what makes an upload the same upload: method, path, purpose, filename and the content's SHA-256.
    static func requestHash(_ upload: FileUpload, purpose: FilePurpose, filename: String) -> Data {
        var hasher = SHA256()
        hasher.update(data: Data("POST /v1/files\n\(purpose.rawValue)\n\(filename)\n".utf8))
        hasher.update(data: upload.sha256)
        hasher.update(data: Data("\n\(upload.expiresAfterAnchor ?? "")\n\(upload.expiresAfterSeconds ?? "")".utf8))
        return Data(hasher.finalize())
    }

    static func render(_ file: StoredFile) -> JSONWriter {
        var writer = JSONWriter(capacity: 256)
        WireFormat.file(file, into: &writer)
        return writer
    }

    static func fileID(_ context: Context) throws -> FileID {
        let text = context.parameters.get("id") ?? ""
        guard let id = FileID(text) else { throw notFound(text) }
        return id
    }

    static func notFound(_ id: String) -> APIError { .notFound("File object", id: id) }
}
