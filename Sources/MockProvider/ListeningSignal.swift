import Synchronization

/// One-shot signal carrying the port a server bound, awaited by any number of tasks.
///
/// States: waiting (with parked continuations) → listening(port) → stopped, or waiting → stopped directly.
final class ListeningSignal: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case listening(Int)
        case stopped(MockProviderError)
    }

    private let state = Mutex(State.waiting([]))

    init() {}

    /// The bound port, once listening and until stopped.
    var port: Int? {
        state.withLock { state in
            if case .listening(let port) = state { return port }
            return nil
        }
    }

    /// Resolves every waiter with `port`.
    func listening(on port: Int) {
        let waiters: [CheckedContinuation<Int, any Error>] = state.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = .listening(port)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    /// Marks the server stopped; waiters still parked get `stoppedBeforeListening`.
    func stopped(reason: String) {
        let waiters: [CheckedContinuation<Int, any Error>] = state.withLock { state in
            switch state {
            case .waiting(let waiters):
                state = .stopped(MockProviderError(.stoppedBeforeListening, message: reason))
                return waiters
            case .listening:
                state = .stopped(MockProviderError(.stopped, message: "the mock provider has stopped"))
                return []
            case .stopped:
                return []
            }
        }
        for waiter in waiters {
            waiter.resume(throwing: MockProviderError(.stoppedBeforeListening, message: reason))
        }
    }

    /// Waits for the port (returns at once when already listening).
    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<Int, MockProviderError>? = state.withLock { state in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .listening(let port):
                    return .success(port)
                case .stopped(let error):
                    return .failure(error)
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }
}
