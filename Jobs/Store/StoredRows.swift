import struct Foundation.Data
import struct Foundation.Date

/// The column lists the store selects, and how a row becomes a domain value. Column order matters:
/// the decoders read by index.
enum StoredRows {
    static let jobColumns = """
        id, tenant, batch_id, custom_id, provider, model, endpoint, body, priority, metadata, state, attempt, \
        max_attempts, run_at, deadline, cancel_requested, created_at, started_at, finished_at, response_status, \
        response_request_id, response_body, prompt_tokens, completion_tokens, cached_tokens, error_code, error_message, \
        cost_micros, unknown_cost_requests, saved_micros
        """

    static let claimedColumns = """
        id, lease_token, tenant, batch_id, custom_id, provider, model, endpoint, body, priority, attempt, \
        max_attempts, deadline, cache_mode, created_at, started_at
        """

    static let batchColumns = """
        id, tenant, endpoint, completion_window, status, metadata, created_at, expires_at, in_progress_at, \
        finalizing_at, completed_at, failed_at, expired_at, cancelling_at, cancelled_at, total, succeeded, failed, \
        cancelled, expired, prompt_tokens, completion_tokens, cached_tokens, cost_micros, unknown_cost_requests, \
        saved_micros, input_file_id, output_file_id, error_file_id, errors, retry_of
        """

    /// Decodes a row selected with ``jobColumns``.
    static func job(_ row: SQLiteStatement) throws -> Job {
        let stateText = row.string(at: 10)
        guard let state = JobState(rawValue: stateText) else {
            throw JobsError(.sqlite, message: "a job row holds an unknown state", sql: row.sql)
        }
        var response: JobResponse?
        if let status = row.optionalInt(at: 19) {
            response = JobResponse(
                statusCode: status,
                requestID: row.optionalString(at: 20),
                body: row.data(at: 21),
                usage: usage(row, prompt: 22, completion: 23, cached: 24)
            )
        }
        var failure: JobFailure?
        if let code = row.optionalString(at: 25) {
            failure = JobFailure(code: code, message: row.optionalString(at: 26) ?? "")
        }
        return Job(
            id: JobID(row.int64(at: 0)),
            tenant: row.string(at: 1),
            batchID: row.optionalInt64(at: 2).map(BatchID.init),
            customID: row.optionalString(at: 3),
            provider: row.string(at: 4),
            model: row.string(at: 5),
            endpoint: row.string(at: 6),
            body: row.data(at: 7),
            priority: row.int(at: 8),
            metadata: row.optionalData(at: 9),
            state: state,
            attempt: row.int(at: 11),
            maxAttempts: row.int(at: 12),
            runAt: Date(unixMilliseconds: row.int64(at: 13)),
            deadline: date(row, 14),
            cancelRequested: row.bool(at: 15),
            createdAt: Date(unixMilliseconds: row.int64(at: 16)),
            startedAt: date(row, 17),
            finishedAt: date(row, 18),
            response: response,
            error: failure,
            cost: cost(row, from: 27)
        )
    }

    /// Decodes a row returned with ``claimedColumns``.
    static func claimed(_ row: SQLiteStatement) -> ClaimedJob {
        ClaimedJob(
            lease: JobLease(jobID: JobID(row.int64(at: 0)), token: row.int64(at: 1)),
            tenant: row.string(at: 2),
            batchID: row.optionalInt64(at: 3).map(BatchID.init),
            customID: row.optionalString(at: 4),
            provider: row.string(at: 5),
            model: row.string(at: 6),
            endpoint: row.string(at: 7),
            body: row.data(at: 8),
            priority: row.int(at: 9),
            attempt: row.int(at: 10),
            maxAttempts: row.int(at: 11),
            deadline: date(row, 12),
            cache: CacheMode(rawValue: row.string(at: 13)) ?? .auto,
            createdAt: Date(unixMilliseconds: row.int64(at: 14)),
            firstStartedAt: date(row, 15)
        )
    }

    /// Decodes a row selected with ``batchColumns``.
    static func batch(_ row: SQLiteStatement) throws -> Batch {
        guard let status = BatchStatus(rawValue: row.string(at: 4)) else {
            throw JobsError(.sqlite, message: "a batch row holds an unknown status", sql: row.sql)
        }
        return Batch(
            id: BatchID(row.int64(at: 0)),
            tenant: row.string(at: 1),
            endpoint: row.string(at: 2),
            completionWindow: row.string(at: 3),
            status: status,
            metadata: row.optionalData(at: 5),
            createdAt: Date(unixMilliseconds: row.int64(at: 6)),
            expiresAt: Date(unixMilliseconds: row.int64(at: 7)),
            inProgressAt: date(row, 8),
            finalizingAt: date(row, 9),
            completedAt: date(row, 10),
            failedAt: date(row, 11),
            expiredAt: date(row, 12),
            cancellingAt: date(row, 13),
            cancelledAt: date(row, 14),
            counts: Batch.Counts(
                total: row.int(at: 15),
                succeeded: row.int(at: 16),
                failed: row.int(at: 17),
                cancelled: row.int(at: 18),
                expired: row.int(at: 19)
            ),
            usage: TokenUsage(
                promptTokens: row.int(at: 20),
                completionTokens: row.int(at: 21),
                cachedTokens: row.int(at: 22)
            ),
            cost: cost(row, from: 23),
            inputFileID: row.optionalInt64(at: 26).map(FileID.init),
            outputFileID: row.optionalInt64(at: 27).map(FileID.init),
            errorFileID: row.optionalInt64(at: 28).map(FileID.init),
            errors: row.optionalData(at: 29),
            retryOf: row.optionalInt64(at: 30).map(BatchID.init)
        )
    }

    /// Decodes `cost_micros, unknown_cost_requests, saved_micros` starting at column `first`.
    private static func cost(_ row: SQLiteStatement, from first: Int32) -> CostSummary {
        CostSummary(
            knownCostMicros: row.int64(at: first),
            unknownCostRequests: row.int(at: first + 1),
            savedMicros: row.int64(at: first + 2)
        )
    }

    private static func date(_ row: SQLiteStatement, _ column: Int32) -> Date? {
        row.optionalInt64(at: column).map(Date.init(unixMilliseconds:))
    }

    private static func usage(
        _ row: SQLiteStatement,
        prompt: Int32,
        completion: Int32,
        cached: Int32
    )
        -> TokenUsage?
    {
        guard let promptTokens = row.optionalInt(at: prompt) else { return nil }
        return TokenUsage(
            promptTokens: promptTokens,
            completionTokens: row.optionalInt(at: completion) ?? 0,
            cachedTokens: row.optionalInt(at: cached) ?? 0
        )
    }
}
