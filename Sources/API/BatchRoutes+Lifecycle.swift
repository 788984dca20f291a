import Foundation
import Hummingbird
import Jobs
import Logging
import NIOCore

/// The OpenAI batch lifecycle routes: a batch from an uploaded file (`input_file_id`) and retry.
extension BatchRoutes {
    /// OpenAI's batch create: checks the input file (the tenant's, purpose `batch`) and stores the batch
    /// `validating`; 200 (OpenAI's status for a create) after the commit.
    func createFromFile(
        _ fileRequest: BatchRequestParser.FileRequest,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data,
        context: Context
    ) async throws -> Response {
        guard let fileID = FileID(fileRequest.inputFileID), let file = try await store.file(fileID, tenant: tenant)
        else {
            throw APIError(
                .notFound,
                .notFound,
                message: "No such File object: \(APIError.printableID(fileRequest.inputFileID))",
                param: "input_file_id"
            )
        }
        guard file.purpose == .batch else {
            throw APIError.invalidRequest(
                "The file \(fileID) has purpose `\(file.purpose.rawValue)`; a batch's input file must have purpose "
                    + "`batch`.",
                param: "input_file_id",
                code: "invalid_file_purpose"
            )
        }
        let window = fileRequest.completionWindow ?? CompletionWindow(configuration.defaultCompletionWindow)!
        let now = Date()
        let newBatch = NewFileBatch(
            inputFileID: fileID,
            endpoint: fileRequest.endpoint,
            completionWindow: window.text,
            metadata: fileRequest.metadata,
            expiresAt: now.addingTimeInterval(TimeInterval(window.seconds))
        )
        let batch = try await IdempotencyKey.refusingReuse {
            try await store.insertFileBatch(
                newBatch,
                tenant: tenant,
                idempotencyKey: idempotencyKey,
                requestHash: requestHash,
                now: now
            )
        }
        context.logger.info(
            "batch accepted for validation",
            metadata: ["batch_id": "\(batch.id)", "input_file_id": "\(fileID)"]
        )
        return .json(Self.render(batch))
    }

    /// `POST /v1/batches/{id}/retry` (any or no body): a new batch, linked by `retry_of`, re-running copies of
    /// only the failed and expired lines of a final batch; 200 after the commit. 400 when the batch is not final
    /// or has nothing to retry. A repeat with the same `Idempotency-Key` returns the batch made the first time.
    @Sendable func retry(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.batchID(context)
        try await quotaGate.check(tenant: caller.tenant)
        let idempotencyKey = try IdempotencyKey.from(request)
        let requestHash = IdempotencyKey.requestHash(request, body: ByteBuffer())
        let outcome = try await IdempotencyKey.refusingReuse {
            try await store.retryBatch(
                id,
                tenant: caller.tenant,
                idempotencyKey: idempotencyKey,
                requestHash: requestHash
            )
        }
        switch outcome {
        case .created(let batch):
            context.logger.info(
                "batch retry accepted",
                metadata: ["batch_id": "\(batch.id)", "retry_of": "\(id)", "requests": "\(batch.counts.total)"]
            )
            return .json(Self.render(batch))
        case .notFound:
            throw Self.notFound(id.description)
        case .notFinal(let status):
            throw APIError.invalidRequest(
                "Cannot retry batch \(id): it is \(status.rawValue); only a finished batch can be retried.",
                param: "id",
                code: "batch_not_final"
            )
        case .nothingToRetry:
            throw APIError.invalidRequest(
                "Batch \(id) has no failed or expired request to retry.",
                param: "id",
                code: "nothing_to_retry"
            )
        }
    }
}
