/// Batch counters for the job transitions of one write, applied in the same transaction as the transitions.
///
/// Every transition of a batch's job into a final state is `record`ed; `apply` adds the deltas to the batch
/// rows and then settles each touched batch: once every job is final, `in_progress` and `cancelling` become
/// `finalizing`. The batch finalizer then writes the output and error files and moves the batch to its final
/// status (`StoreWrites.finishFinalizing`): `cancelled` when it was cancelling, else `expired` if any job
/// expired, else `completed`.
struct BatchLedger {
    private struct Delta {
        var succeeded = 0
        var failed = 0
        var cancelled = 0
        var expired = 0
        var promptTokens = 0
        var completionTokens = 0
        var cachedTokens = 0
    }

    private var deltas: [Int64: Delta] = [:]

    /// Notes that a job of `batch` (if any) became final in `state`, answering with `usage`.
    mutating func record(batch: Int64?, state: JobState, usage: TokenUsage? = nil) {
        guard let batch else { return }
        var delta = deltas[batch, default: Delta()]
        switch state {
        case .succeeded: delta.succeeded += 1
        case .failed: delta.failed += 1
        case .cancelled: delta.cancelled += 1
        case .expired: delta.expired += 1
        case .queued, .running: preconditionFailure("only final states are counted")
        }
        if let usage {
            delta.promptTokens += usage.promptTokens
            delta.completionTokens += usage.completionTokens
            delta.cachedTokens += usage.cachedTokens
        }
        deltas[batch] = delta
    }

    /// Adds the recorded deltas to their batches and settles them. Returns the batches that moved to
    /// `finalizing` (report them in the write's `TransitionEffects.batchesFinalizing`, so the finalizer wakes).
    func apply(on connection: SQLiteConnection, now: Int64) throws -> [BatchID] {
        var finalizing: [BatchID] = []
        for (batch, delta) in deltas.sorted(by: { $0.key < $1.key }) {
            try connection.run(Self.bumpSQL) { statement in
                try statement.bind(delta.succeeded, at: 1)
                try statement.bind(delta.failed, at: 2)
                try statement.bind(delta.cancelled, at: 3)
                try statement.bind(delta.expired, at: 4)
                try statement.bind(delta.promptTokens, at: 5)
                try statement.bind(delta.completionTokens, at: 6)
                try statement.bind(delta.cachedTokens, at: 7)
                try statement.bind(batch, at: 8)
            }
            if try Self.settle(batch: batch, on: connection, now: now) { finalizing.append(BatchID(batch)) }
        }
        return finalizing
    }

    /// Moves the batch to `finalizing` when every job is final; does nothing otherwise. Returns whether it moved.
    static func settle(batch: Int64, on connection: SQLiteConnection, now: Int64) throws -> Bool {
        try connection.run(settleSQL) { statement in
            try statement.bind(now, at: 1)
            try statement.bind(batch, at: 2)
        } == 1
    }

    private static let bumpSQL = """
        UPDATE batches SET succeeded = succeeded + ?1, failed = failed + ?2, cancelled = cancelled + ?3,
            expired = expired + ?4, prompt_tokens = prompt_tokens + ?5,
            completion_tokens = completion_tokens + ?6, cached_tokens = cached_tokens + ?7
        WHERE id = ?8
        """

    private static let settleSQL = """
        UPDATE batches SET status = 'finalizing', finalizing_at = ?1
        WHERE id = ?2 AND status IN ('in_progress', 'cancelling')
            AND succeeded + failed + cancelled + expired >= total
        """
}
