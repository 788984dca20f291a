/// What a committed write means for in-process listeners: jobs that became final (wake `waitUntilFinal`),
/// running jobs whose cancellation was requested (tell the workers), batches whose last job became final (wake
/// the batch finalizer) and batches that reached a final status (wake `waitUntilBatchFinal`). Published only
/// after the commit.
struct TransitionEffects: Sendable {
    var finalized: [JobID] = []
    var cancellationRequested: [JobID] = []
    /// Batches that moved to `finalizing` (their output and error files are to be written).
    var batchesFinalizing: [BatchID] = []
    /// Batches that reached a final status (`completed`, `failed`, `expired`, `cancelled`).
    var batchesFinalized: [BatchID] = []

    /// Adds the effects of another transition of the same write.
    mutating func formUnion(_ other: TransitionEffects) {
        finalized += other.finalized
        cancellationRequested += other.cancellationRequested
        batchesFinalizing += other.batchesFinalizing
        batchesFinalized += other.batchesFinalized
    }
}

/// A write's result together with its effects.
struct Effected<Value: Sendable>: Sendable {
    var value: Value
    var effects: TransitionEffects
}
