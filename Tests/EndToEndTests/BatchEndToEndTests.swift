import App
import Foundation
import MockProvider
import Testing

@Suite(.serialized) struct BatchEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func batch_ofOneThousandLines_endsWithExactlyOneSuccessfulResultPerCustomID() async throws {
        let harness = try await EndToEndHarness()
        let lines = 1_000
        try await harness.withServer { client in
            let (status, created) = try await client.post(
                "/v1/batches",
                body: chatBatch(lines: lines),
                contentType: "application/jsonl"
            )
            #expect(status == 202)
            let id = try #require(created["id"] as? String)

            let batch = try await client.waitForBatch(id)
            #expect(batch["status"] as? String == "completed")
            let counts = try #require(batch["request_counts"] as? [String: Int])
            #expect(counts == ["total": lines, "completed": lines, "failed": 0])

            let results = try await client.results(id)
            var byCustomID: [String: Int] = [:]
            for line in results {
                byCustomID[line["custom_id"] as? String ?? "", default: 0] += 1
                let response = line["response"] as? [String: Any]
                #expect(response?["status_code"] as? Int == 200)
                let body = response?["body"] as? [String: Any]
                #expect(body?["object"] as? String == "chat.completion")
            }
            #expect(results.count == lines)
            #expect(byCustomID.count == lines)
            #expect(byCustomID.values.allSatisfy { $0 == 1 })
            #expect(Set(byCustomID.keys) == Set((0..<lines).map { "line-\($0)" }))
        }
        // Every line made exactly one upstream call (no crash, no retry in this run).
        #expect(harness.mock.stats.snapshot.byPath["/v1/chat/completions"] == lines)
        try await harness.shutdown()
    }

    @Test(.timeLimit(.minutes(2)))
    func job_withLongPoll_returnsTheAnswerOnceFinal() async throws {
        let harness = try await EndToEndHarness()
        try await harness.withServer { client in
            let line = #"{"method":"POST","url":"/v1/embeddings","body":{"model":"mock-embed","input":["a","b"]}}"#
            let (status, job) = try await client.post("/v1/jobs", body: Data(line.utf8))
            #expect(status == 202)
            let id = try #require(job["id"] as? String)
            let (_, final) = try await client.get("/v1/jobs/\(id)?wait=30")
            #expect(final["status"] as? String == "succeeded")
            let response = final["response"] as? [String: Any]
            #expect(response?["status_code"] as? Int == 200)
            let body = response?["body"] as? [String: Any]
            #expect((body?["data"] as? [Any])?.count == 2)
        }
        try await harness.shutdown()
    }

    @Test(.timeLimit(.minutes(3)))
    func batch_interruptedByGracefulShutdown_handsBackRunningJobsAndCompletesAfterRestart() async throws {
        // Calls take longer than the shutdown timeout (0 s), so the jobs running at shutdown are handed back.
        let harness = try await EndToEndHarness(mockLatency: .milliseconds(1_500))
        let lines = 48
        let concurrency = 16
        let id = try await harness.withServer(
            harness.configuration(maxConcurrency: concurrency, shutdownTimeoutSeconds: 0)
        ) { client in
            let (status, created) = try await client.post(
                "/v1/batches",
                body: chatBatch(lines: lines),
                contentType: "application/jsonl"
            )
            #expect(status == 202)
            let id = try #require(created["id"] as? String)
            // Shut down only once every slot holds an upstream call in flight.
            let deadline = ContinuousClock.now + .seconds(30)
            while harness.mock.stats.snapshot.inFlight < concurrency, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(harness.mock.stats.snapshot.inFlight == concurrency)
            return id
        }
        try await harness.withServer { client in
            let batch = try await client.waitForBatch(id)
            #expect(batch["status"] as? String == "completed")
            let results = try await client.results(id)
            #expect(results.count == lines)
            #expect(Set(results.compactMap { $0["custom_id"] as? String }).count == lines)
            #expect(results.allSatisfy { ($0["response"] as? [String: Any])?["status_code"] as? Int == 200 })
            // The hand-back gave the interrupted attempt back: every job succeeded on its first counted attempt.
            let (_, list) = try await client.get("/v1/jobs?batch_id=\(id)&limit=100")
            let jobs = try #require(list["data"] as? [[String: Any]])
            #expect(jobs.count == lines)
            #expect(jobs.allSatisfy { $0["attempts"] as? Int == 1 })
        }
        try await harness.shutdown()
    }
}

@Suite struct LongPollShutdownTests {
    /// Without the early end, the 60 s long-poll would hold the shutdown past the one-minute time limit.
    @Test(.timeLimit(.minutes(1)))
    func longPoll_whenTheServerShutsDown_returnsTheJobAsItIsAtOnce() async throws {
        // Every upstream call hangs (until the mock itself shuts down), so the job cannot finish on its own.
        let harness = try await EndToEndHarness(faults: .init(hang: 1.0))
        let poll = try await harness.withServer(harness.configuration(shutdownTimeoutSeconds: 0)) { client in
            let line =
                #"{"method":"POST","url":"/v1/chat/completions","body":{"model":"mock-chat","messages":[{"role":"user","content":"x"}]}}"#
            let (_, job) = try await client.post("/v1/jobs", body: Data(line.utf8))
            let id = try #require(job["id"] as? String)
            let poll = Task { () -> (Int, String?) in
                let (status, job) = try await client.get("/v1/jobs/\(id)?wait=60")
                return (status, job["status"] as? String)
            }
            // Shut down (when `withServer` returns) only once the poll is waiting inside the server.
            let deadline = ContinuousClock.now + .seconds(20)
            while client.server?.pendingLongPolls != 1, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(client.server?.pendingLongPolls == 1)
            return poll
        }
        let (status, state) = try await poll.value
        #expect(status == 200)
        #expect(state == "queued" || state == "running")
        try await harness.shutdown()
    }
}
