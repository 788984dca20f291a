package import struct Foundation.Data
package import struct Foundation.Date

/// A stored batch with its counters, as read back for the API.
package struct Batch: Sendable {
    package var id: BatchID
    package var tenant: String
    package var endpoint: String
    package var completionWindow: String
    package var status: BatchStatus
    package var metadata: Data?
    package var createdAt: Date
    package var expiresAt: Date
    package var inProgressAt: Date?
    package var finalizingAt: Date?
    package var completedAt: Date?
    package var failedAt: Date?
    package var expiredAt: Date?
    package var cancellingAt: Date?
    package var cancelledAt: Date?
    package var counts: Counts
    /// Sums of the token usage of the batch's answered jobs.
    package var usage: TokenUsage
    /// What the batch's billed answers cost, over every attempt of every job (see the cost ledger).
    package var cost: CostSummary
    /// The uploaded file the batch was made from (`POST /v1/batches` with `input_file_id`); nil for a batch
    /// submitted inline or as a JSONL body.
    package var inputFileID: FileID? = nil
    /// The successes' lines, written when the batch is finalized; nil while running or when there were none.
    package var outputFileID: FileID? = nil
    /// The other final lines (failed, expired, cancelled), written when the batch is finalized; nil while running
    /// or when there were none.
    package var errorFileID: FileID? = nil
    /// OpenAI's `errors` object (`{"object":"list","data":[{code, message, param, line}]}`) as JSON, for a batch
    /// whose input file failed validation.
    package var errors: Data? = nil
    /// The batch this one re-runs the failed and expired lines of (`POST /v1/batches/{id}/retry`).
    package var retryOf: BatchID? = nil

    /// How many of the batch's jobs are in each outcome; kept in the same transaction as each job transition.
    package struct Counts: Sendable, Equatable {
        package var total: Int
        package var succeeded: Int
        package var failed: Int
        package var cancelled: Int
        package var expired: Int

        package init(total: Int, succeeded: Int = 0, failed: Int = 0, cancelled: Int = 0, expired: Int = 0) {
            self.total = total
            self.succeeded = succeeded
            self.failed = failed
            self.cancelled = cancelled
            self.expired = expired
        }

        package var final: Int { succeeded + failed + cancelled + expired }
    }
}
