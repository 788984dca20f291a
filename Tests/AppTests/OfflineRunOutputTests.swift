import Foundation
import Jobs
import Logging
import Testing

@testable import App

/// The output and errors files, written from a store whose jobs were finished by hand in a known order.
struct OfflineRunOutputTests {
    @Test(.timeLimit(.minutes(1)))
    func write_byDefault_listsLinesInCompletionOrder_andWithKeepOrderInInputOrder() async throws {
        try await withFinishedStore { store, directory in
            let output = directory.appendingPathComponent("out.jsonl").path
            let errors = directory.appendingPathComponent("out.errors.jsonl").path
            let byCompletion = try await OfflineRunOutput.write(
                from: store,
                order: .completion,
                outputPath: output,
                errorsPath: errors,
                invalidLines: []
            )
            #expect(byCompletion == .init(outputLines: 2, errorLines: 1))
            #expect(try customIDs(output) == ["c", "a"])
            #expect(try customIDs(errors) == ["b"])
            _ = try await OfflineRunOutput.write(
                from: store,
                order: .id,
                outputPath: output,
                errorsPath: errors,
                invalidLines: []
            )
            #expect(try customIDs(output) == ["a", "c"])
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
                $0.hasSuffix(".tmp")
            }
            #expect(leftovers.isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func write_withoutErrorLines_removesAnErrorsFileAnEarlierRunLeft() async throws {
        try await withFinishedStore { store, directory in
            let output = directory.appendingPathComponent("out.jsonl").path
            let errors = directory.appendingPathComponent("out.errors.jsonl").path
            _ = try await OfflineRunOutput.write(
                from: store,
                order: .id,
                outputPath: output,
                errorsPath: errors,
                invalidLines: []
            )
            #expect(try customIDs(errors) == ["b"])
            // A later run whose store holds no unsuccessful line (here: none at all).
            let empty = try JobStore(
                configuration: .init(path: directory.appendingPathComponent("empty.sqlite").path, synchronous: .normal),
                logger: Logger(label: "offline-run-output-tests")
            )
            defer { empty.close() }
            let written = try await OfflineRunOutput.write(
                from: empty,
                order: .id,
                outputPath: output,
                errorsPath: errors,
                invalidLines: []
            )
            #expect(written == .init(outputLines: 0, errorLines: 0))
            #expect(!FileManager.default.fileExists(atPath: errors))
            #expect(try customIDs(output) == [])
        }
    }

    @Test func removeStaleTemporaryFiles_removesOnlyThoseOfThisOutputWhoseWriterIsGone() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sluice-run-tmp-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.jsonl").path
        let errors = directory.appendingPathComponent("out.errors.jsonl").path
        let names = [
            ".out.jsonl.2147483646.tmp",  // output, writer gone
            ".out.errors.jsonl.2147483645.tmp",  // errors, writer gone
            ".out.jsonl.\(getpid()).tmp",  // this process: a live writer
            ".other.jsonl.2147483646.tmp",  // another output's
            "out.jsonl",
        ]
        for name in names {
            try Data("x".utf8).write(to: directory.appendingPathComponent(name))
        }
        OfflineRunOutput.removeStaleTemporaryFiles(outputPath: output, errorsPath: errors)
        let left = try Set(FileManager.default.contentsOfDirectory(atPath: directory.path))
        #expect(left == [".out.jsonl.\(getpid()).tmp", ".other.jsonl.2147483646.tmp", "out.jsonl"])
    }

    @Test(.timeLimit(.minutes(1)))
    func runCounts_countOutcomesAndRetries() async throws {
        try await withFinishedStore { store, _ in
            let counts = try await store.runCounts()
            #expect(counts == RunCounts(total: 3, succeeded: 2, unsuccessful: 1, retries: 0))
        }
    }
}

/// A store holding one batch of jobs `a`, `b`, `c`, finished in the order c (succeeded), b (failed), a (succeeded).
private func withFinishedStore(_ body: (JobStore, URL) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-run-out-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try JobStore(
        configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
        logger: Logger(label: "offline-run-output-tests")
    )
    defer { store.close() }
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    let jobs = ["a", "b", "c"].map { id in
        NewJob(
            customID: id,
            provider: "mock",
            model: "mock-chat",
            endpoint: "/v1/chat/completions",
            body: Data(#"{"model":"mock-chat","messages":[{"role":"user","content":"hi"}]}"#.utf8),
            maxAttempts: 1
        )
    }
    _ = try await store.insertBatch(
        NewBatch(
            endpoint: "/v1/chat/completions",
            completionWindow: "24h",
            metadata: nil,
            expiresAt: start.addingTimeInterval(86_400),
            jobs: jobs
        ),
        tenant: "default",
        idempotencyKey: nil,
        now: start
    )
    let claimed = try await store.claim(provider: "mock", limit: 3, leaseDuration: .seconds(60), now: start)
    let byID = Dictionary(uniqueKeysWithValues: claimed.map { ($0.customID ?? "", $0.lease) })
    let answer = JobResponse(statusCode: 200, requestID: "r", body: Data(#"{"ok":true}"#.utf8), usage: nil)
    #expect(try await store.complete(byID["c"]!, response: answer, now: start.addingTimeInterval(1)))
    #expect(
        try await store.fail(
            byID["b"]!,
            response: nil,
            failure: JobFailure(code: "server_error", message: "upstream 500"),
            now: start.addingTimeInterval(2)
        )
    )
    #expect(try await store.complete(byID["a"]!, response: answer, now: start.addingTimeInterval(3)))
    try await body(store, directory)
}

private func customIDs(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return object?["custom_id"] as? String ?? ""
    }
}
