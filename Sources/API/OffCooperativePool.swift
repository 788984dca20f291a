import Dispatch

/// Runs blocking work (file reads, fsync) on a Dispatch thread, off Swift concurrency's cooperative pool, and
/// returns its result. Used by the batch validator and finalizer.
func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: body()) }
    }
}
