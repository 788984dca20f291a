import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import API
@testable import Jobs

/// A batch lifecycle service retries a batch whose step threw, with a bounded backoff, so the batch becomes final
/// without a restart.
@Suite struct BatchRetryTests {
    @Test func retryPolicy_doublesFromTheInitialDelay_upToTheMaximum() {
        let policy = BatchRetryPolicy.standard
        let delays = (1...9).map { policy.delay(afterFailures: $0) }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
        #expect(policy.delay(afterFailures: 10_000) == .seconds(60))
    }

    @Test(.timeLimit(.minutes(1)))
    func workLoop_whenTheStepThrows_retriesTheBatchUntilItSucceeds() async throws {
        let (requests, requestsContinuation) = AsyncStream.makeStream(of: BatchID.self)
        var logger = Logger(label: "batch-retry-tests")
        logger.logLevel = .critical
        let loop = BatchWorkLoop(
            policy: BatchRetryPolicy(initialDelay: .milliseconds(1), maxDelay: .milliseconds(4)),
            failureMessage: "step failed",
            logger: logger
        )
        var attempts: [BatchID] = []
        await loop.run(sweep: [BatchID(7)], requests: requests) { id in
            attempts.append(id)
            if attempts.count < 3 { throw CocoaError(.fileWriteOutOfSpace) }
            // Done: ending the requests ends the loop.
            requestsContinuation.finish()
        }
        #expect(attempts == [BatchID(7), BatchID(7), BatchID(7)])
    }

    @Test func failureDescription_neverCarriesAnErrorsText() {
        struct LeakyError: Error, CustomStringConvertible {
            var description: String { #"{"custom_id":"secret line"}"# }
        }
        #expect(BatchWorkLoop.describe(LeakyError()) == "LeakyError")
        #expect(BatchWorkLoop.describe(CocoaError(.fileWriteOutOfSpace)).hasPrefix("CocoaError("))
    }

    @Test(.timeLimit(.minutes(1)))
    func finalizer_whenTheFirstAttemptFails_retriesUntilTheBatchIsFinal() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-retry-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "batch-retry-tests")
        logger.logLevel = .warning
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: logger
        )
        defer { store.close() }
        let batch = try await store.insertBatch(
            NewBatch(
                endpoint: "/v1/chat/completions",
                completionWindow: "24h",
                metadata: nil,
                expiresAt: Date().addingTimeInterval(3_600),
                jobs: ["a", "b"].map {
                    NewJob(
                        customID: $0,
                        provider: "mock",
                        model: "mock-chat",
                        endpoint: "/v1/chat/completions",
                        body: Data("{}".utf8)
                    )
                }
            ),
            tenant: "default",
            idempotencyKey: nil
        )
        try await BatchLifecycleRoutesTests.answerAll(store, failing: ["b"])
        #expect(try await store.batch(batch.id, tenant: "default")?.status == .finalizing)
        // The output files cannot be written: a plain file stands where the files directory goes (a permission
        // change would not stop root).
        try? FileManager.default.removeItem(at: store.filesDirectory)
        #expect(FileManager.default.createFile(atPath: store.filesDirectory.path, contents: Data()))

        let (messages, messagesContinuation) = AsyncStream.makeStream(of: String.self)
        let finalizerLogger = Logger(label: "batch-retry-tests") { _ in CapturingLogHandler(messagesContinuation) }
        let finalizer = BatchFinalizer(
            store: store,
            retryPolicy: BatchRetryPolicy(initialDelay: .milliseconds(10), maxDelay: .milliseconds(100)),
            logger: finalizerLogger
        )
        let group = ServiceGroup(services: [finalizer], logger: logger)
        let final = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for await message in messages where message == "batch finalizing failed" { break }
            // The disk is back: a retry, not a restart, finalizes the batch.
            try FileManager.default.removeItem(at: store.filesDirectory)
            let final = try await store.waitUntilBatchFinal(batch.id, tenant: "default", timeout: .seconds(30))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return final
        }
        #expect(final?.status == .completed)
        #expect(try Set(BatchLifecycleRoutesTests.fileLines(store, final?.outputFileID?.description).keys) == ["a"])
        #expect(try Set(BatchLifecycleRoutesTests.fileLines(store, final?.errorFileID?.description).keys) == ["b"])
    }
}

/// A `LogHandler` that sends the message of each error (or worse) it is given.
private struct CapturingLogHandler: LogHandler {
    let continuation: AsyncStream<String>.Continuation

    init(_ continuation: AsyncStream<String>.Continuation) { self.continuation = continuation }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .error }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        continuation.yield("\(event.message)")
    }
}
