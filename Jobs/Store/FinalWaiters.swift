import Synchronization

/// In-process waiters for jobs (or batches) to become final, woken by the store after the commit that finalized
/// them.
final class FinalWaiters<ID: Hashable & Sendable>: Sendable {
    private struct State {
        var nextToken = 0
        var waiters: [ID: [Int: AsyncStream<Void>.Continuation]] = [:]
    }

    private let state = Mutex(State())

    /// Registers interest in `id`; the returned stream yields once the job or batch is reported final.
    /// Call ``remove(_:token:)`` when done waiting.
    func register(_ id: ID) -> (stream: AsyncStream<Void>, token: Int) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let token = state.withLock { state in
            state.nextToken += 1
            state.waiters[id, default: [:]][state.nextToken] = continuation
            return state.nextToken
        }
        return (stream, token)
    }

    func remove(_ id: ID, token: Int) {
        let continuation = state.withLock { state -> AsyncStream<Void>.Continuation? in
            let continuation = state.waiters[id]?.removeValue(forKey: token)
            if state.waiters[id]?.isEmpty == true { state.waiters[id] = nil }
            return continuation
        }
        continuation?.finish()
    }

    /// Reads the object behind `id` and, when it exists and is not final yet, waits until a commit reports it final
    /// or `timeout` passes, then reads it again. Registers before the first read, so a commit between the read and the
    /// wait is not missed; cancelling the calling task ends the wait early.
    func waitUntilFinal<Object: Sendable>(
        _ id: ID,
        timeout: Duration,
        read: () async throws -> Object?,
        isFinal: (Object) -> Bool
    ) async throws -> Object? {
        let (finalized, token) = register(id)
        defer { remove(id, token: token) }
        guard let object = try await read() else { return nil }
        guard !isFinal(object) else { return object }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in finalized { return }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
            }
            await group.next()
            group.cancelAll()
        }
        return try await read()
    }

    /// How many waits are registered right now (for operators and tests).
    var count: Int { state.withLock { $0.waiters.values.reduce(0) { $0 + $1.count } } }

    /// Wakes everyone waiting for one of `ids`.
    func notifyFinal(_ ids: [ID]) {
        guard !ids.isEmpty else { return }
        let woken = state.withLock { state -> [AsyncStream<Void>.Continuation] in
            guard !state.waiters.isEmpty else { return [] }
            return ids.flatMap { state.waiters.removeValue(forKey: $0).map { Array($0.values) } ?? [] }
        }
        for continuation in woken {
            continuation.yield()
            continuation.finish()
        }
    }

    /// Wakes every waiter (the store is closing).
    func wakeAll() {
        let woken = state.withLock { state in
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap(\.values)
        }
        for continuation in woken { continuation.finish() }
    }
}
