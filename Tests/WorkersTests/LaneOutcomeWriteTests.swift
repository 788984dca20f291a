import Foundation
import Logging
import Synchronization
import Testing

@testable import Jobs
@testable import Workers

/// A lane whose outcome write fails for a moment tries it again.
@Suite struct LaneOutcomeWriteTests {
    @Test(.timeLimit(.minutes(1))) func run_whenTheOutcomeWriteFailsOnce_retriesItAndRecordsTheAnswer() async throws {
        let log = CapturedLog()
        let logger = Logger(label: "workers-tests") { _ in log }
        let script = FakeTransport.always(.respond(FakeTransport.ok()))
        try await PoolHarness.with(script: script, logger: logger) { harness in
            // Every write that would end a job `succeeded` fails while the gate holds a row.
            try await harness.store.writer.write { db in
                try db.execute(
                    """
                    CREATE TABLE test_gate (closed INTEGER);
                    INSERT INTO test_gate VALUES (1);
                    CREATE TRIGGER test_gate_outcome BEFORE UPDATE OF state ON jobs
                    WHEN NEW.state = 'succeeded' AND (SELECT count(*) FROM test_gate) > 0
                    BEGIN SELECT RAISE(ABORT, 'injected outcome write failure'); END;
                    """
                )
            }
            let id = try await harness.insert("stubborn")
            try await eventually("the outcome write failed") {
                log.messages.contains { $0.hasPrefix("recording the job's outcome failed") }
            }
            try await harness.store.writer.write { db in try db.execute("DELETE FROM test_gate") }
            try await eventually(timeout: .seconds(10), "the outcome was written on a later try") {
                try await harness.job(id).state == .succeeded
            }
            #expect(harness.transport.calls == 1)
        }
    }
}

/// A `LogHandler` that keeps the messages of warnings and worse.
private final class CapturedLog: LogHandler, Sendable {
    private let stored = Mutex<[String]>([])

    var messages: [String] { stored.withLock { $0 } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .warning }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        stored.withLock { $0.append("\(event.message)") }
    }
}
