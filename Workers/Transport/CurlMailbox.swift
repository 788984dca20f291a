import Synchronization

/// The only state shared between callers and the loop thread: a `CurlRequestRegistry` and the multi
/// handle's wake-up, behind one mutex. Everything else belongs to the loop thread.
///
/// Errors for requests that never reach the loop are resumed here, outside the lock.
final class CurlMailbox: Sendable {
    private struct State: Sendable {
        var registry = CurlRequestRegistry<CurlPendingRequest>()
        /// Valid while the loop runs; cleared by `markStopped()` before the multi handle is cleaned up.
        var wakeup: CurlMultiWakeup?
    }

    private let state: Mutex<State>

    init(wakeup: CurlMultiWakeup) {
        state = Mutex(State(wakeup: wakeup))
    }

    /// A new request id, or `nil` once shutdown was requested.
    func register() -> UInt64? {
        state.withLock { $0.registry.register() }
    }

    /// Hands a registered request to the loop, or fails it at once (cancelled before, or shut down).
    func enqueue(_ id: UInt64, _ pending: CurlPendingRequest) {
        let action = state.withLock { state in
            let action = state.registry.enqueue(id, pending)
            if case .wakeLoop = action { state.wakeup?.wake() }
            return action
        }
        if case .fail(let pending, let reason) = action {
            pending.fail(reason == .cancelled ? .requestCancelled : .transportShutDown)
        }
    }

    /// Cancels a request: fails it at once if still queued, or asks the loop to abort it.
    func cancel(_ id: UInt64) {
        let action = state.withLock { state in
            let action = state.registry.cancel(id)
            if case .wakeLoop = action { state.wakeup?.wake() }
            return action
        }
        if case .fail(let pending) = action {
            pending.fail(.requestCancelled)
        }
    }

    /// Stops accepting requests, fails the queued ones and wakes the loop so it fails the running ones.
    /// Idempotent.
    func shutdown() {
        let failed = state.withLock { state -> [CurlPendingRequest]? in
            let failed = state.registry.shutdown()
            if failed != nil { state.wakeup?.wake() }
            return failed
        }
        for pending in failed ?? [] {
            pending.fail(.transportShutDown)
        }
    }

    /// Loop thread: the work for this iteration.
    func takeCommands() -> CurlRequestRegistry<CurlPendingRequest>.Commands {
        state.withLock { $0.registry.takeCommands() }
    }

    /// Loop thread: these requests were resumed and are forgotten.
    func finished(_ ids: [UInt64]) {
        guard !ids.isEmpty else { return }
        state.withLock { $0.registry.finished(ids) }
    }

    /// Loop thread, last call: nobody may wake the multi handle any more.
    func markStopped() {
        state.withLock { state in
            state.registry.markStopped()
            state.wakeup = nil
        }
    }
}
