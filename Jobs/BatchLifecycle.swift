package import struct Foundation.Data
package import struct Foundation.Date
package import struct Foundation.URL

/// A batch to be made from an uploaded input file (OpenAI's `POST /v1/batches` with `input_file_id`). It is stored
/// `validating`, with no jobs; the batch validator reads the file and starts it (or fails it).
package struct NewFileBatch: Sendable {
    package var inputFileID: FileID
    package var endpoint: String
    package var completionWindow: String
    package var metadata: Data?
    /// When the batch's jobs must be final (creation + completion window).
    package var expiresAt: Date

    package init(inputFileID: FileID, endpoint: String, completionWindow: String, metadata: Data?, expiresAt: Date) {
        self.inputFileID = inputFileID
        self.endpoint = endpoint
        self.completionWindow = completionWindow
        self.metadata = metadata
        self.expiresAt = expiresAt
    }
}

/// One of a finalized batch's files (output or error lines), complete and fsynced at a staged path from
/// ``JobStore/stageFileURL()``.
package struct StagedBatchFile: Sendable {
    package var url: URL
    package var bytes: Int64
    package var lines: Int

    package init(url: URL, bytes: Int64, lines: Int) {
        self.url = url
        self.bytes = bytes
        self.lines = lines
    }
}

/// What `POST /v1/batches/{id}/retry` came to.
package enum BatchRetry: Sendable {
    /// The new batch (or, for a repeated idempotency key, the one made the first time).
    case created(Batch)
    /// No such batch for the tenant.
    case notFound
    /// The batch is still running (`status`): only a final batch can be retried.
    case notFinal(BatchStatus)
    /// The batch has no failed or expired line.
    case nothingToRetry
}
