import Foundation
import Jobs
import Logging
import ServiceLifecycle

/// The loop of a batch lifecycle service: runs its step for each batch, one at a time (the start-up sweep's ids
/// first, then each request), and retries a batch whose step threw after ``BatchRetryPolicy/delay(afterFailures:)``.
/// A batch has at most one pending retry; a request for it meanwhile runs the step at once. Pending retries end
/// with the loop (graceful shutdown): the next start-up's sweep takes the batch up.
///
/// ```swift
/// let loop = BatchWorkLoop(policy: .standard, failureMessage: "batch finalizing failed", logger: logger)
/// await loop.run(sweep: ids, requests: store.finalizationRequests()) { id in try await finalize(id) }
/// ```
struct BatchWorkLoop {
    let policy: BatchRetryPolicy
    let failureMessage: Logger.Message
    let logger: Logger

    private enum Event: Sendable {
        case request(BatchID)
        case retry(BatchID)
    }

    /// - Parameter step: takes up one batch; a thrown error schedules a retry (except `JobsError.Code.closed`:
    ///   the store is gone).
    func run(
        sweep: [BatchID],
        requests: AsyncStream<BatchID>,
        step: (BatchID) async throws -> Void
    ) async {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        for id in sweep { continuation.yield(.request(id)) }
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await id in requests.cancelOnGracefulShutdown() { continuation.yield(.request(id)) }
                continuation.finish()
            }
            var failures: [BatchID: Int] = [:]
            var pendingRetries: Set<BatchID> = []
            for await event in events.cancelOnGracefulShutdown() {
                let id: BatchID
                switch event {
                case .request(let requested):
                    id = requested
                case .retry(let retried):
                    id = retried
                    pendingRetries.remove(id)
                }
                do {
                    try await step(id)
                    failures[id] = nil
                } catch {
                    let count = failures[id, default: 0] + 1
                    failures[id] = count
                    var metadata: Logger.Metadata = [
                        "batch_id": "\(id)", "error": "\(Self.describe(error))", "failures": "\(count)",
                    ]
                    if let jobsError = error as? JobsError, jobsError.code == .closed {
                        failures[id] = nil
                        logger.error(failureMessage, metadata: metadata)
                        continue
                    }
                    let delay = policy.delay(afterFailures: count)
                    metadata["retry_in"] = "\(delay)"
                    logger.error(failureMessage, metadata: metadata)
                    guard pendingRetries.insert(id).inserted else { continue }
                    group.addTask {
                        // Cancelled (the loop ended): no retry.
                        guard (try? await Task.sleep(for: delay)) != nil else { return }
                        continuation.yield(.retry(id))
                    }
                }
            }
            continuation.finish()
            group.cancelAll()
        }
    }

    /// What a log line says about a failure: never file contents, so only a `JobsError`'s text (it carries no
    /// values), a Foundation error's code, or the error's type.
    static func describe(_ error: any Error) -> String {
        if let error = error as? JobsError { return error.description }
        if let error = error as? CocoaError { return "CocoaError(\(error.code.rawValue))" }
        return "\(type(of: error))"
    }
}
