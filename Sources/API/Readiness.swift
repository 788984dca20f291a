import Synchronization

/// Whether the server should receive traffic (`GET /readyz`): only while the store is open and the server is not
/// draining. The app marks the store open once it opened it, and marks draining at the very start of a graceful
/// shutdown, before the HTTP server stops accepting, so a load balancer moves traffic away first.
///
/// ```swift
/// let readiness = Readiness()
/// readiness.storeOpened()          // after JobStore(...)
/// readiness.beginDraining()        // SIGTERM
/// readiness.isReady                // false
/// ```
package final class Readiness: Sendable {
    private struct State {
        var storeOpen = false
        var draining = false
    }

    private let state: Mutex<State>

    /// - Parameter storeOpen: whether the store is already open (tests that build the API over an open store).
    package init(storeOpen: Bool = false) {
        state = Mutex(State(storeOpen: storeOpen))
    }

    /// The store is open: ready unless draining.
    package func storeOpened() { state.withLock { $0.storeOpen = true } }

    /// The store is closing or closed: not ready.
    package func storeClosed() { state.withLock { $0.storeOpen = false } }

    /// Graceful shutdown began: not ready from now on.
    package func beginDraining() { state.withLock { $0.draining = true } }

    /// Whether `/readyz` answers 200.
    package var isReady: Bool { state.withLock { $0.storeOpen && !$0.draining } }

    /// Why the server is not ready, for the 503's message; nil when ready.
    package var notReadyReason: String? {
        state.withLock { state in
            if state.draining { return "The server is shutting down." }
            if !state.storeOpen { return "The store is not open." }
            return nil
        }
    }
}
