import Foundation
import Logging
import ServiceLifecycle
import Testing
import Workers

@testable import API
@testable import Jobs

/// OpenAI's batch lifecycle over HTTP: batches from an uploaded file (validating → in_progress | failed),
/// finalizing with output and error files, `?wait=`, results while running, and retry.
@Suite struct BatchLifecycleRoutesTests {
    /// Commits a file holding `lines` (one per line) for the admin's tenant, as an upload would.
    static func storeFile(
        _ server: APITestServer,
        _ lines: [String],
        purpose: FilePurpose = .batch,
        tenant: String = "default"
    ) async throws -> FileID {
        try await storeFile(server.store, lines, purpose: purpose, tenant: tenant)
    }

    static func storeFile(
        _ store: JobStore,
        _ lines: [String],
        purpose: FilePurpose = .batch,
        tenant: String = "default"
    ) async throws -> FileID {
        let text = lines.joined(separator: "\n") + "\n"
        let staged = store.stageFileURL()
        try Data(text.utf8).write(to: staged)
        return try await store.insertFile(
            NewFile(purpose: purpose, filename: "input.jsonl", bytes: Int64(text.utf8.count)),
            stagedAt: staged,
            tenant: tenant,
            idempotencyKey: nil,
            requestHash: nil
        ).id
    }

    static func fileBatchBody(_ file: FileID, endpoint: String = "/v1/chat/completions") -> String {
        #"{"completion_window":"24h","endpoint":"\#(endpoint)","input_file_id":"\#(file)","metadata":{"suite":"t"}}"#
    }

    /// Polls the batch until `done` holds for its status (with a deadline).
    static func waitForStatus(
        _ server: APITestServer,
        _ id: String,
        until done: (String) -> Bool
    ) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let batch = try await server.send("GET", "/v1/batches/\(id)").json()
            let status = batch["status"] as? String ?? ""
            if done(status) || ContinuousClock.now > deadline { return batch }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Completes every queued job of the batch with a 200, except those whose custom_id is in `failing`, which
    /// fail with an upstream 400.
    static func answerAll(_ store: JobStore, failing: Set<String> = []) async throws {
        let claimed = try await store.claim(provider: "mock", limit: 1_000, leaseDuration: .seconds(60))
        for job in claimed {
            if failing.contains(job.customID ?? "") {
                _ = try await store.fail(
                    job.lease,
                    response: JobResponse(
                        statusCode: 400,
                        requestID: "req_bad",
                        body: Data(#"{"error":{"message":"bad"}}"#.utf8),
                        usage: nil
                    ),
                    failure: JobFailure(code: "upstream_error", message: "The provider answered 400.")
                )
            } else {
                _ = try await store.complete(
                    job.lease,
                    response: JobResponse(
                        statusCode: 200,
                        requestID: "req_ok",
                        body: Data(#"{"id":"chatcmpl-\#(job.customID ?? "")"}"#.utf8),
                        usage: TokenUsage(promptTokens: 3, completionTokens: 2)
                    )
                )
            }
        }
    }

    /// The lines of a committed file, parsed, by custom_id.
    static func fileLines(_ store: JobStore, _ id: String?) throws -> [String: [String: Any]] {
        let fileID = try #require(id.flatMap(FileID.init))
        let text = try String(contentsOf: store.fileURL(fileID), encoding: .utf8)
        var lines: [String: [String: Any]] = [:]
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let customID = try #require(object["custom_id"] as? String)
            #expect(lines[customID] == nil, "custom_id \(customID) twice")
            lines[customID] = object
        }
        return lines
    }

    @Test(.timeLimit(.minutes(1)))
    func createFromFile_isValidating_thenRuns_andFinalizesWithOutputAndErrorFiles() async throws {
        try await APITestServer.with { server in
            let file = try await Self.storeFile(server, (1...5).map { chatLine("r\($0)") })
            let created = try await server.send("POST", "/v1/batches", json: Self.fileBatchBody(file))
            #expect(created.status == 200)
            let batch = try created.json()
            #expect(batch["status"] as? String == "validating")
            #expect(batch["input_file_id"] as? String == file.description)
            #expect(batch["in_progress_at"] is NSNull)
            #expect((batch["metadata"] as? [String: String]) == ["suite": "t"])
            let id = try #require(batch["id"] as? String)

            let started = try await Self.waitForStatus(server, id) { $0 != "validating" }
            #expect(started["status"] as? String == "in_progress")
            #expect(started["in_progress_at"] is Int)
            #expect((started["request_counts"] as? [String: Int])?["total"] == 5)

            // Results work while running: only the final lines so far.
            #expect(try await server.send("GET", "/v1/batches/\(id)/results").text.isEmpty)
            let first = try #require(
                try await server.store.claim(provider: "mock", limit: 1, leaseDuration: .seconds(60)).first
            )
            _ = try await server.store.complete(
                first.lease,
                response: JobResponse(statusCode: 200, requestID: "r", body: Data("{}".utf8), usage: nil)
            )
            let partial = try await server.send("GET", "/v1/batches/\(id)/results").text
            #expect(partial.split(separator: "\n").count == 1)
            #expect(partial.contains(#""custom_id":"\#(first.customID ?? "")""#))

            try await Self.answerAll(server.store, failing: ["r2"])
            let final = try await server.send("GET", "/v1/batches/\(id)?wait=30").json()
            #expect(final["status"] as? String == "completed")
            #expect(final["finalizing_at"] is Int)
            #expect(final["completed_at"] is Int)
            #expect((final["request_counts"] as? [String: Int]) == ["total": 5, "completed": 4, "failed": 1])
            let output = try Self.fileLines(server.store, final["output_file_id"] as? String)
            #expect(Set(output.keys) == ["r1", "r3", "r4", "r5"])
            #expect(output.values.allSatisfy { ($0["response"] as? [String: Any])?["status_code"] as? Int == 200 })
            #expect(output.values.allSatisfy { $0["error"] is NSNull })
            let errors = try Self.fileLines(server.store, final["error_file_id"] as? String)
            #expect(Set(errors.keys) == ["r2"])
            #expect((errors["r2"]?["response"] as? [String: Any])?["status_code"] as? Int == 400)

            // The output file is the tenant's, purpose batch_output.
            let outputID = try #require((final["output_file_id"] as? String).flatMap(FileID.init))
            #expect(try await server.store.file(outputID, tenant: "default")?.purpose == .batchOutput)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createFromFile_withBadLines_failsWithEveryLineError() async throws {
        try await APITestServer.with { server in
            let file = try await Self.storeFile(
                server,
                [
                    chatLine("ok"),
                    "{not json",
                    chatLine("unknown", model: "no-such-model"),
                    #"{"custom_id":"emb","method":"POST","url":"/v1/embeddings","body":{"model":"mock-embed","input":"a"}}"#,
                    "",
                    chatLine("ok"),
                ]
            )
            let created = try await server.send("POST", "/v1/batches", json: Self.fileBatchBody(file))
            #expect(created.status == 200)
            let id = try #require(try created.json()["id"] as? String)
            let failed = try await server.send("GET", "/v1/batches/\(id)?wait=30").json()
            #expect(failed["status"] as? String == "failed")
            #expect(failed["failed_at"] is Int)
            #expect(failed["output_file_id"] is NSNull)
            let errors = try #require(failed["errors"] as? [String: Any])
            #expect(errors["object"] as? String == "list")
            let data = try #require(errors["data"] as? [[String: Any]])
            #expect(data.compactMap { $0["line"] as? Int } == [2, 3, 4, 6])
            #expect(
                data.compactMap { $0["code"] as? String }
                    == ["invalid_json_line", "model_not_found", "mismatched_url", "duplicate_custom_id"]
            )
            #expect(data[1]["param"] as? String == "body.model")
            #expect(data[3]["param"] as? String == "custom_id")
            #expect(
                try await server.store.jobs(tenant: "default", state: nil, batch: nil, after: nil, limit: 5).isEmpty
            )
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createFromFile_refusesUnknownFiles_otherPurposes_andBadFields() async throws {
        try await APITestServer.with { server in
            let missing = try await server.send("POST", "/v1/batches", json: Self.fileBatchBody(FileID(999)))
            #expect(missing.status == 404)
            #expect(try missing.errorObject()["param"] as? String == "input_file_id")
            let notAnID = try await server.send(
                "POST",
                "/v1/batches",
                json: #"{"input_file_id":"nope","endpoint":"/v1/chat/completions"}"#
            )
            #expect(notAnID.status == 404)

            let userData = try await Self.storeFile(server, [chatLine("a")], purpose: .userData)
            let purpose = try await server.send("POST", "/v1/batches", json: Self.fileBatchBody(userData))
            #expect(purpose.status == 400)
            #expect(try purpose.errorObject()["code"] as? String == "invalid_file_purpose")

            // Another tenant's file is not found.
            let theirs = try await Self.storeFile(server, [chatLine("a")], tenant: "other")
            #expect(try await server.send("POST", "/v1/batches", json: Self.fileBatchBody(theirs)).status == 404)

            let file = try await Self.storeFile(server, [chatLine("a")])
            let noEndpoint = try await server.send("POST", "/v1/batches", json: #"{"input_file_id":"\#(file)"}"#)
            #expect(noEndpoint.status == 400)
            #expect(try noEndpoint.errorObject()["param"] as? String == "endpoint")
            let badWindow = try await server.send(
                "POST",
                "/v1/batches",
                json: #"{"input_file_id":"\#(file)","endpoint":"/v1/chat/completions","completion_window":"soon"}"#
            )
            #expect(badWindow.status == 400)
            #expect(try await server.store.batches(tenant: "default", after: nil, limit: 10).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createFromFile_withIdempotencyKey_returnsTheOriginal_or422() async throws {
        try await APITestServer.with { server in
            let file = try await Self.storeFile(server, [chatLine("a")])
            let key = [("idempotency-key", "create-1")]
            let first = try await server.send("POST", "/v1/batches", json: Self.fileBatchBody(file), headers: key)
            let again = try await server.send("POST", "/v1/batches", json: Self.fileBatchBody(file), headers: key)
            #expect(first.status == 200 && again.status == 200)
            #expect(try first.json()["id"] as? String == (try again.json()["id"] as? String))
            let other = try await server.send(
                "POST",
                "/v1/batches",
                json: Self.fileBatchBody(file, endpoint: "/v1/embeddings"),
                headers: key
            )
            #expect(other.status == 422)
            #expect(try await server.store.batches(tenant: "default", after: nil, limit: 10).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func validator_atStartUp_takesUpBatchesLeftValidating() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-validator-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "validator-tests")
        logger.logLevel = .warning
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: logger
        )
        defer { store.close() }
        // A previous run stored the batch and stopped before validating it.
        let file = try await Self.storeFile(store, [chatLine("a"), chatLine("b")])
        let batch = try await store.insertFileBatch(
            NewFileBatch(
                inputFileID: file,
                endpoint: "/v1/chat/completions",
                completionWindow: "24h",
                metadata: nil,
                expiresAt: Date().addingTimeInterval(3_600)
            ),
            tenant: "default",
            idempotencyKey: nil,
            requestHash: nil
        )
        let configuration = APIConfiguration(adminKeyHash: Data(repeating: 0, count: 32), providers: testProviders)
        let validator = BatchValidator(store: store, configuration: configuration, logger: logger)
        let group = ServiceGroup(services: [validator], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let deadline = ContinuousClock.now + .seconds(30)
            while try await store.batch(batch.id, tenant: "default")?.status == .validating,
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(10))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let started = try #require(try await store.batch(batch.id, tenant: "default"))
        #expect(started.status == .inProgress)
        #expect(started.counts.total == 2)
    }

    @Test(.timeLimit(.minutes(1)))
    func finalizer_atStartUp_takesUpBatchesLeftFinalizing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-finalizer-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "finalizer-tests")
        logger.logLevel = .warning
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: logger
        )
        defer { store.close() }
        // A previous run finished every job and stopped before writing the files.
        let batch = try await store.insertBatch(
            NewBatch(
                endpoint: "/v1/chat/completions",
                completionWindow: "24h",
                metadata: nil,
                expiresAt: Date().addingTimeInterval(3_600),
                jobs: ["a", "b", "c"].map {
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
        try await Self.answerAll(store, failing: ["c"])
        #expect(try await store.batch(batch.id, tenant: "default")?.status == .finalizing)

        let group = ServiceGroup(services: [BatchFinalizer(store: store, pageSize: 2, logger: logger)], logger: logger)
        let final = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let final = try await store.waitUntilBatchFinal(batch.id, tenant: "default", timeout: .seconds(30))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return final
        }
        #expect(final?.status == .completed)
        #expect(try Set(Self.fileLines(store, final?.outputFileID?.description).keys) == ["a", "b"])
        #expect(try Set(Self.fileLines(store, final?.errorFileID?.description).keys) == ["c"])
    }

    @Test(.timeLimit(.minutes(1)))
    func getBatch_withWait_returnsAsSoonAsFinal_orWhenTheWaitEnds() async throws {
        try await APITestServer.with { server in
            let created = try await server.send(
                "POST",
                "/v1/batches",
                json: BatchRoutesTests.inline([chatLine("a")])
            )
            let id = try #require(try created.json()["id"] as? String)
            let short = try await server.send("GET", "/v1/batches/\(id)?wait=0.05").json()
            #expect(short["status"] as? String == "in_progress")

            async let waited = server.send("GET", "/v1/batches/\(id)?wait=30")
            while server.store.pendingBatchWaits == 0 { try await Task.sleep(for: .milliseconds(5)) }
            try await Self.answerAll(server.store)
            let final = try await waited.json()
            #expect(final["status"] as? String == "completed")
            #expect(final["output_file_id"] is String)
            #expect(final["error_file_id"] is NSNull)

            #expect(try await server.send("GET", "/v1/batches/batch_999?wait=1").status == 404)
            #expect(try await server.send("GET", "/v1/batches/\(id)?wait=x").status == 400)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func retry_rerunsOnlyFailedLines_asALinkedBatch() async throws {
        try await APITestServer.with { server in
            let created = try await server.send(
                "POST",
                "/v1/batches",
                json: BatchRoutesTests.inline([chatLine("a"), chatLine("b"), chatLine("c")])
            )
            let id = try #require(try created.json()["id"] as? String)
            let early = try await server.send("POST", "/v1/batches/\(id)/retry")
            #expect(early.status == 400)
            #expect(try early.errorObject()["code"] as? String == "batch_not_final")

            try await Self.answerAll(server.store, failing: ["b", "c"])
            let final = try await server.send("GET", "/v1/batches/\(id)?wait=30").json()
            #expect(final["status"] as? String == "completed")

            let key = [("idempotency-key", "retry-\(id)")]
            let retried = try await server.send("POST", "/v1/batches/\(id)/retry", json: "", headers: key)
            #expect(retried.status == 200)
            let retry = try retried.json()
            #expect(retry["retry_of"] as? String == id)
            #expect(retry["status"] as? String == "in_progress")
            #expect((retry["request_counts"] as? [String: Int])?["total"] == 2)
            let retryID = try #require(retry["id"] as? String)
            let jobs = try await server.send("GET", "/v1/jobs?batch_id=\(retryID)").json()
            let data = try #require(jobs["data"] as? [[String: Any]])
            #expect(Set(data.compactMap { $0["custom_id"] as? String }) == ["b", "c"])

            let again = try await server.send("POST", "/v1/batches/\(id)/retry", headers: key)
            #expect(try again.json()["id"] as? String == retryID)
            #expect(try await server.send("GET", "/v1/batches/\(id)").json()["retry_of"] is NSNull)

            // The retry succeeds: nothing is left to retry.
            try await Self.answerAll(server.store)
            _ = try await server.send("GET", "/v1/batches/\(retryID)?wait=30")
            let nothing = try await server.send("POST", "/v1/batches/\(retryID)/retry")
            #expect(nothing.status == 400)
            #expect(try nothing.errorObject()["code"] as? String == "nothing_to_retry")
            #expect(try await server.send("POST", "/v1/batches/batch_999/retry").status == 404)
        }
    }
}

@Suite struct JSONLFileLinesTests {
    @Test func forEach_readsEveryLineAcrossChunkBoundaries_skippingBlankOnes() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-lines-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let lines = ["{\"a\":1}", "", "  ", String(repeating: "x", count: 40), "{\"b\":2}\r", "last without newline"]
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        for chunkSize in [1, 3, 7, 64, 1 << 20] {
            var seen: [(Int, String)] = []
            try JSONLFileLines.forEach(at: url, chunkSize: chunkSize) { number, line in
                seen.append((number, String(decoding: line, as: UTF8.self)))
                return true
            }
            #expect(seen.map(\.0) == [1, 4, 5, 6], "chunk \(chunkSize)")
            #expect(seen.map(\.1) == [lines[0], lines[3], lines[4], lines[5]], "chunk \(chunkSize)")
        }
        var first: [Int] = []
        try JSONLFileLines.forEach(at: url, chunkSize: 5) { number, _ in
            first.append(number)
            return false
        }
        #expect(first == [1])
    }
}
