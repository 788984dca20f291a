import Dispatch
import Foundation
import Logging
import Synchronization

/// The one writer: a dedicated thread that owns the write connection and commits the pending writes of many
/// callers together.
///
/// Each round takes every queued write (up to `maxWritesPerCommit`), runs them inside one
/// `BEGIN IMMEDIATE … COMMIT`, each in its own `SAVEPOINT` so a write that throws rolls back only itself, and
/// resumes each caller only after `COMMIT` returned. A failed `COMMIT` fails every caller of that round.
/// The thread opens the connection and migrates the schema itself, so the connection never crosses threads.
final class GroupCommitWriter: Sendable {
    private struct Request: Sendable {
        /// Runs the caller's closure on the writer thread, inside the caller's savepoint.
        let perform: @Sendable (SQLiteConnection) throws -> Void
        /// Resumes the caller: `nil` after the commit, or the error that failed its write or the commit.
        let finish: @Sendable ((any Error)?) -> Void
    }

    /// Holds a write's result between `perform` and `finish`.
    /// `@unchecked Sendable`: both closures run on the writer thread, one after the other.
    private final class Slot<Value>: @unchecked Sendable {
        var value: Value?
    }

    private let queue = RequestQueue<Request>()
    private let stopped = DispatchSemaphore(value: 0)
    private let isClosed = Mutex(false)

    /// Starts the writer thread and waits until it opened, configured and migrated the database.
    init(path: String, options: SQLiteConnection.Options, maxWritesPerCommit: Int, logger: Logger) throws {
        precondition(maxWritesPerCommit > 0, "maxWritesPerCommit must be positive")
        let opened = DispatchSemaphore(value: 0)
        let openError = Mutex<(any Error)?>(nil)
        let queue = self.queue
        let stopped = self.stopped
        let thread = Thread {
            let connection: SQLiteConnection
            do {
                connection = try SQLiteConnection(path: path, options: options)
                try Schema.migrate(connection)
            } catch {
                openError.withLock { $0 = error }
                opened.signal()
                stopped.signal()
                return
            }
            opened.signal()
            while let requests = queue.popBatch(limit: maxWritesPerCommit) {
                Self.commit(requests, on: connection, logger: logger)
            }
            stopped.signal()
        }
        thread.name = "sluice.sqlite.writer"
        thread.start()
        opened.wait()
        if let error = openError.withLock({ $0 }) {
            queue.close()
            isClosed.withLock { $0 = true }
            throw error
        }
    }

    /// Runs `body` on the writer thread inside the next group transaction and returns its result once the
    /// transaction committed. If `body` throws, only its own changes are rolled back.
    func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        let slot = Slot<T>()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let request = Request(
                perform: { connection in slot.value = try body(connection) },
                finish: { error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let value = slot.value {
                        continuation.resume(returning: value)
                    } else {
                        continuation.resume(throwing: JobsError(.closed, message: "the write produced no result"))
                    }
                }
            )
            if !queue.push(request) {
                continuation.resume(throwing: JobsError(.closed, message: "the store is closed"))
            }
        }
    }

    /// Refuses new writes, lets the thread commit the pending ones, and waits until it stopped. Idempotent.
    func close() {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        queue.close()
        stopped.wait()
    }

    // MARK: The writer thread

    private static func commit(_ requests: [Request], on connection: SQLiteConnection, logger: Logger) {
        do {
            try connection.run("BEGIN IMMEDIATE")
        } catch {
            logger.error("cannot begin the write transaction", metadata: ["error": "\(error)"])
            for request in requests { request.finish(error) }
            return
        }
        var outcomes: [(any Error)?] = []
        outcomes.reserveCapacity(requests.count)
        do {
            for request in requests {
                try connection.run("SAVEPOINT write")
                do {
                    try request.perform(connection)
                    try connection.run("RELEASE write")
                    outcomes.append(nil)
                } catch {
                    // Undo this caller's changes only; the transaction stays open for the others.
                    try connection.run("ROLLBACK TO write")
                    try connection.run("RELEASE write")
                    outcomes.append(error)
                }
            }
            try connection.run("COMMIT")
        } catch {
            // The transaction itself failed (savepoint machinery or COMMIT): nothing of this round is durable.
            logger.error("group commit failed", metadata: ["error": "\(error)", "writes": "\(requests.count)"])
            if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
            for request in requests { request.finish(error) }
            return
        }
        for (request, outcome) in zip(requests, outcomes) { request.finish(outcome) }
    }
}
