import Dispatch
import Foundation
import Synchronization

/// Read-only connections (`PRAGMA query_only`), each owned by its own thread, taking reads from one queue.
/// Reads never block the cooperative pool and never wait for the writer (WAL).
final class ReaderPool: Sendable {
    private typealias Request = @Sendable (SQLiteConnection?) -> Void

    private let queue = RequestQueue<Request>()
    private let stopped = DispatchSemaphore(value: 0)
    private let threadCount: Int
    private let isClosed = Mutex(false)

    /// Starts `count` reader threads; each opens its connection and reports before this returns.
    init(path: String, options: SQLiteConnection.Options, count: Int) throws {
        precondition(count > 0, "a store needs at least one reader")
        self.threadCount = count
        let readerOptions = {
            var readerOptions = options
            readerOptions.queryOnly = true
            return readerOptions
        }()
        let opened = DispatchSemaphore(value: 0)
        let openError = Mutex<(any Error)?>(nil)
        let queue = self.queue
        let stopped = self.stopped
        for index in 0..<count {
            let thread = Thread {
                let connection: SQLiteConnection
                do {
                    connection = try SQLiteConnection(path: path, options: readerOptions)
                } catch {
                    openError.withLock { $0 = error }
                    opened.signal()
                    // Keep draining so no reader request is left hanging when the pool is torn down.
                    while let requests = queue.popBatch(limit: 1) { for request in requests { request(nil) } }
                    stopped.signal()
                    return
                }
                opened.signal()
                while let requests = queue.popBatch(limit: 1) {
                    for request in requests { request(connection) }
                }
                stopped.signal()
            }
            thread.name = "sluice.sqlite.reader.\(index)"
            thread.start()
        }
        for _ in 0..<count { opened.wait() }
        if let error = openError.withLock({ $0 }) {
            close()
            throw error
        }
    }

    /// Runs `body` on a reader thread inside one read transaction (one consistent snapshot).
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let request: Request = { connection in
                guard let connection else {
                    return continuation.resume(throwing: JobsError(.closed, message: "the reader is not open"))
                }
                continuation.resume(with: Result { try Self.inReadTransaction(connection, body) })
            }
            if !queue.push(request) {
                continuation.resume(throwing: JobsError(.closed, message: "the store is closed"))
            }
        }
    }

    /// Lets the threads finish the queued reads, then waits until they stopped. Idempotent.
    func close() {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        queue.close()
        for _ in 0..<threadCount { stopped.wait() }
    }

    private static func inReadTransaction<T>(
        _ connection: SQLiteConnection,
        _ body: (SQLiteConnection) throws -> T
    )
        throws -> T
    {
        try connection.run("BEGIN")
        do {
            let value = try body(connection)
            try connection.run("COMMIT")
            return value
        } catch {
            if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
            throw error
        }
    }
}
