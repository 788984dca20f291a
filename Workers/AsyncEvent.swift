import Synchronization

/// A small awaitable flag: `set()` wakes the tasks waiting in `wait()`, or, when none waits, is remembered for the
/// next `wait()`.
///
/// - `.autoReset`: a `wait()` consumes the flag (a wake-up signal: lane wake-ups, "a slot is free").
/// - `.manualReset`: once set it stays set, and every `wait()` returns at once (a one-shot event: "cancel this job").
///
/// `wait()` also returns when the waiting task is cancelled, so a waiter never outlives its task.
///
/// ```swift
/// let wakeup = AsyncEvent(.autoReset)
/// let woken = await wakeup.wait(timeout: .milliseconds(250))   // false on timeout
/// ```
package final class AsyncEvent: Sendable {
    package enum Mode: Sendable { case autoReset, manualReset }

    private struct State {
        var isSet = false
        var nextWaiterID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let mode: Mode
    private let state = Mutex(State())

    package init(_ mode: Mode) {
        self.mode = mode
    }

    /// Whether the event is set (for `.autoReset`: set and not yet consumed).
    package var isSet: Bool { state.withLock { $0.isSet } }

    /// Wakes every current waiter; with none, remembers the signal (always, for `.manualReset`).
    package func set() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            if mode == .manualReset || waiters.isEmpty { state.isSet = true }
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Suspends until the event is set or the task is cancelled. Returns whether the event was set.
    @discardableResult
    package func wait() async -> Bool {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked under the lock that `onCancel` takes too: either this sees the cancellation, or the
                // handler runs after the continuation is stored and resumes it.
                let resumeNow = state.withLock { state in
                    if state.isSet {
                        if mode == .autoReset { state.isSet = false }
                        return true
                    }
                    if Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
        return !Task.isCancelled || mode == .manualReset && isSet
    }

    /// Suspends until the event is set, the timeout passes or the task is cancelled.
    /// Returns true when the event was set before the timeout.
    @discardableResult
    package func wait(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.wait()
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
