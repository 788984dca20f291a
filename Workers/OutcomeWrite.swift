import Logging

/// How a lane retries a lease-guarded store write that threw (an outcome, a cancellation, a hand-back): up to
/// `retries` more tries, after `firstDelay` doubling each time — 100 ms, 200 ms, 400 ms, 800 ms (1.5 s in all).
///
/// Repeating is safe: every transition out of `running` is conditional on the lease token, so a write can never
/// record twice; once the lease is gone a try reports `false` (the outcome is dropped, as for any stale lease).
/// A write that still fails is logged at error by the caller; the job then stays `running` until maintenance
/// rescues its expired lease.
enum OutcomeWrite {
    /// Tries after the first one.
    static let retries = 4
    /// The wait before the first retry; it doubles for each further one.
    static let firstDelay: Duration = .milliseconds(100)
}

/// Like `shielded`: runs a store write in an unstructured task awaited on the spot, so cancelling the calling task
/// (shutdown) cannot abort it; and tries again after a failure, as `OutcomeWrite` says. Each failed try but the
/// last is logged as a warning (`"<what> failed; trying again"`); the last error is thrown.
/// - Parameters:
///   - what: names the write in the log, e.g. "recording the job's outcome".
///   - logger: the job's logger.
///   - operation: the write.
func shieldedWithRetries<T: Sendable>(
    _ what: String,
    logger: Logger,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await Task {
        var delay = OutcomeWrite.firstDelay
        var retriesLeft = OutcomeWrite.retries
        while true {
            do {
                return try await operation()
            } catch {
                guard retriesLeft > 0 else { throw error }
                retriesLeft -= 1
                logger.warning(
                    "\(what) failed; trying again",
                    metadata: ["error": "\(error)", "retry_in_ms": "\(delay.nanoseconds / 1_000_000)"]
                )
                // This task is not cancelled with the job's: the wait runs out even during shutdown.
                try? await Task.sleep(for: delay)
                delay *= 2
            }
        }
    }.value
}
