import Foundation
import Jobs
import Logging
import Testing

@testable import App

/// `sluice run`'s engine against the in-process mock provider, with no executable.
struct OfflineRunTests {
    @Test(.timeLimit(.minutes(1)))
    func run_withMock_writesEveryLineAndExitsZero() async throws {
        try await withRunDirectory { directory in
            let input = try writeInput(lines: 30, in: directory)
            let summary = try await makeRun(input: input, directory: directory).run()
            let result = try #require(summary)
            #expect(result.exitCode == 0)
            #expect(result.succeeded == 30 && result.failed == 0 && result.lines == 30)
            #expect(result.outputLines == 30 && result.errorLines == 0)
            let ids = try outputCustomIDs(directory.appendingPathComponent("out.jsonl").path)
            #expect(Set(ids) == Set((0..<30).map { "req-\($0)" }))
            #expect(result.promptTokens > 0 && result.costMicros > 0)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func run_whenRunAgain_neverInsertsOrSendsALineTwice() async throws {
        try await withRunDirectory { directory in
            let input = try writeInput(lines: 1_200, in: directory)
            let first = try #require(try await makeRun(input: input, directory: directory).run())
            let second = try #require(try await makeRun(input: input, directory: directory).run())
            #expect(first.finishedHere == 1_200)
            #expect(second.exitCode == 0 && second.lines == 1_200 && second.finishedHere == 0)
            #expect(second.promptTokens == first.promptTokens)  // nothing new was billed
            try await withStore(in: directory) { store in
                let total = try await store.runCounts().total
                #expect(total == 1_200)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func insertMissing_whenAChunkIsAlreadyStored_findsItByItsKey() async throws {
        try await withRunDirectory { directory in
            let input = try writeInput(lines: 1_500, in: directory)
            let parser = OfflineRun.lineParser(configuration: .embeddedDefault)
            let plan = try OfflineRunPlan.validate(path: input, parser: parser, skipInvalid: false)
            try await withStore(in: directory) { store in
                // As after a crash between an insert and the next run's look at the store: nothing known as stored.
                let inserted = try await OfflineRunBatches.insertMissing(
                    into: store,
                    path: input,
                    plan: plan,
                    parser: parser,
                    stored: []
                )
                let again = try await OfflineRunBatches.insertMissing(
                    into: store,
                    path: input,
                    plan: plan,
                    parser: parser,
                    stored: []
                )
                #expect(inserted == 2 && again == 2)
                let total = try await store.runCounts().total
                #expect(total == 1_500)
                let stored = try await OfflineRunBatches.storedChunks(
                    in: store,
                    fingerprint: plan.fingerprint,
                    stateDirectory: directory.path
                )
                #expect(stored == [0, 1])
                let none = try await OfflineRunBatches.insertMissing(
                    into: store,
                    path: input,
                    plan: plan,
                    parser: parser,
                    stored: stored
                )
                #expect(none == 0)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func run_withAnotherInputInTheSameStateDirectory_refuses() async throws {
        try await withRunDirectory { directory in
            let first = try writeInput(lines: 3, in: directory, name: "a.jsonl")
            _ = try await makeRun(input: first, directory: directory).run()
            let second = try writeInput(lines: 4, in: directory, name: "b.jsonl")
            await #expect {
                _ = try await makeRun(input: second, directory: directory).run()
            } throws: { error in
                (error as? ConfigurationError)?.message.contains("belongs to another input file") == true
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func run_withAnInvalidLine_throwsNamingTheLineAndSendsNothing() async throws {
        try await withRunDirectory { directory in
            let input = try writeInput(lines: 3, in: directory, extra: [2: #"{"custom_id":"bad","url":"/v1/x"}"#])
            await #expect {
                _ = try await makeRun(input: input, directory: directory).run()
            } throws: { error in
                "\(error)".hasPrefix("Line 3: ")
            }
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.jsonl.sluice").path))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func run_withSkipInvalid_writesTheLineToTheErrorsFileAndExitsOne() async throws {
        try await withRunDirectory { directory in
            let input = try writeInput(lines: 3, in: directory, extra: [2: #"{"custom_id":"bad","url":"/v1/x"}"#])
            let summary = try #require(try await makeRun(input: input, directory: directory, skipInvalid: true).run())
            #expect(summary.exitCode == 1)
            #expect(summary.lines == 4 && summary.succeeded == 3 && summary.failed == 1)
            let errors = try String(
                contentsOfFile: directory.appendingPathComponent("out.errors.jsonl").path,
                encoding: .utf8
            )
            #expect(errors.contains(#""id":"line_3","custom_id":"bad""#))
            #expect(errors.contains(#""code":"invalid_request""#))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func run_whenInterruptedBeforeTheWorkersStart_exits130ThenTheNextRunFinishes() async throws {
        try await withRunDirectory { directory in
            let input = try writeInput(lines: 10, in: directory)
            let run = makeRun(input: input, directory: directory)
            await run.interrupt()
            let stopped = try #require(try await run.run())
            #expect(stopped.exitCode == 130 && stopped.pending == 10 && stopped.outputLines == 0)
            let finished = try #require(try await makeRun(input: input, directory: directory).run())
            #expect(finished.exitCode == 0 && finished.succeeded == 10)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func run_whenResumedWithoutALaneForTheStoredLinesProvider_refusesNamingTheProviders() async throws {
        try await withRunDirectory { directory in
            let input = try writeInput(lines: 10, in: directory)
            let first = makeRun(input: input, directory: directory)
            await first.interrupt()
            let stopped = try #require(try await first.run())
            #expect(stopped.pending == 10)
            // Rerun without --mock: another provider serves the same model, but the stored lines belong to `mock`.
            var configuration = SluiceConfiguration.embeddedDefault
            configuration.mock.enabled = false
            configuration.providers = [
                ProviderConfiguration(
                    name: "other",
                    kind: .openai,
                    baseURL: "http://127.0.0.1:9/v1",
                    models: ["mock-chat"]
                )
            ]
            await #expect {
                _ = try await makeRun(input: input, directory: directory, configuration: configuration).run()
            } throws: { error in
                guard let message = (error as? ConfigurationError)?.message else { return false }
                return message.contains("10 unfinished lines for provider(s) mock,")
                    && message.contains("(its providers: other)") && message.contains("--mock")
            }
            let finished = try #require(try await makeRun(input: input, directory: directory).run())
            #expect(finished.exitCode == 0 && finished.succeeded == 10)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func run_whenAnEarlierRunLeftAnErrorsFileAndATemporaryFile_removesBoth() async throws {
        try await withRunDirectory { directory in
            let input = try writeInput(lines: 3, in: directory)
            let errors = directory.appendingPathComponent("out.errors.jsonl").path
            let stale = directory.appendingPathComponent(".out.jsonl.2147483646.tmp").path
            try "old error\n".write(toFile: errors, atomically: true, encoding: .utf8)
            try "half a file".write(toFile: stale, atomically: true, encoding: .utf8)
            let summary = try #require(try await makeRun(input: input, directory: directory).run())
            #expect(summary.exitCode == 0 && summary.errorLines == 0)
            #expect(!FileManager.default.fileExists(atPath: errors))
            #expect(!FileManager.default.fileExists(atPath: stale))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func dryRun_estimatesTokensWithinTenPercentOfWhatTheRunBilled() async throws {
        try await withRunDirectory { directory in
            let input = try writeInput(lines: 200, in: directory, maxTokens: 16)
            let parser = OfflineRun.lineParser(configuration: .embeddedDefault)
            let plan = try OfflineRunPlan.validate(path: input, parser: parser, skipInvalid: false)
            let dry = try await makeRun(input: input, directory: directory, dryRun: true).run()
            #expect(dry == nil)
            let billed = try #require(try await makeRun(input: input, directory: directory).run())
            let billedTokens = Double(billed.promptTokens + billed.completionTokens)
            let estimated = Double(plan.estimate.totalTokens)
            #expect(abs(estimated - billedTokens) <= 0.1 * billedTokens)
        }
    }

    @Test func checkPaths_refusesAnOutputThatWouldOverwriteTheInputOrCannotBeWritten() throws {
        try withRunDirectorySync { directory in
            let input = directory.appendingPathComponent("in.jsonl").path
            #expect(throws: ConfigurationError.self) {
                try OfflineRun.checkPaths(OfflineRunOptions(inputPath: input, outputPath: input))
            }
            let missing = directory.appendingPathComponent("missing/out.jsonl").path
            #expect(throws: ConfigurationError.self) {
                try OfflineRun.checkPaths(OfflineRunOptions(inputPath: input, outputPath: missing))
            }
            let fine = directory.appendingPathComponent("out.jsonl").path
            try OfflineRun.checkPaths(OfflineRunOptions(inputPath: input, outputPath: fine))
        }
    }

    @Test func summary_exitCodes() {
        var summary = OfflineRunSummary(
            lines: 3,
            succeeded: 3,
            failed: 0,
            retries: 0,
            promptTokens: 0,
            completionTokens: 0,
            costMicros: 0,
            unknownCostRequests: 0,
            wallTime: .seconds(1),
            finishedHere: 3,
            interrupted: false,
            outputPath: "o",
            outputLines: 3,
            errorsPath: "e",
            errorLines: 0
        )
        #expect(summary.exitCode == 0)
        summary.succeeded = 2
        summary.failed = 1
        #expect(summary.exitCode == 1)
        summary.failed = 0
        summary.interrupted = true
        #expect(summary.exitCode == 130)
        summary.succeeded = 3
        #expect(summary.exitCode == 0)  // interrupted only after the last line: nothing is missing
    }

    @Test func options_defaultPathsSitBesideTheOutput() {
        let options = OfflineRunOptions(inputPath: "in.jsonl", outputPath: "dir/out.jsonl")
        #expect(options.errorsPath == "dir/out.errors.jsonl")
        #expect(options.stateDirectory == "dir/out.jsonl.sluice")
        #expect(OfflineRunOptions.defaultErrorsPath(forOutput: "results") == "results.errors.jsonl")
    }
}

// MARK: Helpers

private func withRunDirectory(_ body: (URL) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory)
}

private func withRunDirectorySync(_ body: (URL) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory)
}

/// Writes `lines` chat lines (`req-0` …) for `mock-chat`; `extra` inserts raw lines before the given 0-based index.
private func writeInput(
    lines: Int,
    in directory: URL,
    name: String = "in.jsonl",
    maxTokens: Int = 16,
    extra: [Int: String] = [:]
) throws -> String {
    var text = ""
    for index in 0..<lines {
        if let raw = extra[index] { text += raw + "\n" }
        text +=
            #"{"custom_id":"req-\#(index)","method":"POST","url":"/v1/chat/completions","body":{"model":"mock-chat","#
        text += #""max_tokens":\#(maxTokens),"messages":[{"role":"system","content":"Answer briefly."},"#
        text += #"{"role":"user","content":"Question \#(index): why is the sky blue at noon and red at sunset?"}]}}"#
        text += "\n"
    }
    let path = directory.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

private func makeRun(
    input: String,
    directory: URL,
    skipInvalid: Bool = false,
    dryRun: Bool = false,
    configuration: SluiceConfiguration = .embeddedDefault
) -> OfflineRun {
    OfflineRun(
        configuration: configuration,
        options: OfflineRunOptions(
            inputPath: input,
            outputPath: directory.appendingPathComponent("out.jsonl").path,
            skipInvalid: skipInvalid,
            dryRun: dryRun
        ),
        environment: [:],
        logger: Logger(label: "offline-run-tests"),
        output: { _ in }
    )
}

private func withStore(in directory: URL, _ body: (JobStore) async throws -> Void) async throws {
    let state = directory.appendingPathComponent("out.jsonl.sluice")
    try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
    let store = try JobStore(
        configuration: .init(path: state.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
        logger: Logger(label: "offline-run-tests")
    )
    defer { store.close() }
    try await body(store)
}

private func outputCustomIDs(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return object?["custom_id"] as? String ?? ""
    }
}
