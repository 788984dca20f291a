import App
import Foundation
import Logging
import MockProvider
import Testing
import Workers

/// The operator's surface of a running server: `/readyz` (also while it shuts down), `/metrics` moving with real
/// work, and logs that carry request ids but never a prompt, an answer or a key.
@Suite struct OperationsEndToEndTests {
    /// Starts a server with `logger` and runs `body` against it; stops it gracefully afterwards.
    func withServer(
        _ harness: EndToEndHarness,
        logger: Logger = Logger(label: "e2e.ops"),
        drainDelay: Duration = .zero,
        _ body: (ServerClient, SluiceServer, Task<Void, any Error>) async throws -> Void
    ) async throws {
        let server = SluiceServer(
            configuration: harness.configuration(),
            environment: ["SLUICE_ADMIN_KEY": EndToEndHarness.adminKey],
            drainDelay: drainDelay,
            logger: logger
        )
        let running = Task { try await server.run() }
        do {
            let port = try await server.waitUntilListening()
            try await body(
                ServerClient(base: "http://127.0.0.1:\(port)", transport: harness.client, server: server),
                server,
                running
            )
            await server.triggerGracefulShutdown()
            try await running.value
        } catch {
            await server.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
    }

    @Test(.timeLimit(.minutes(1))) func readyz_isReadyWhileServing_and503FromTheStartOfAGracefulShutdown()
        async throws
    {
        let harness = try await EndToEndHarness()
        var quiet = Logger(label: "e2e.ops")
        quiet.logLevel = .warning
        try await withServer(harness, logger: quiet, drainDelay: .seconds(3)) { client, server, running in
            let ready = try await client.get("/readyz")
            #expect(ready.status == 200)
            #expect(ready.json["status"] as? String == "ready")
            #expect(server.isReady)

            await server.triggerGracefulShutdown()
            // The API still answers during the drain delay, and says it is not ready.
            let draining = try await client.getRaw("/readyz")
            #expect(draining.status == 503)
            let error = try #require(try ServerClient.object(draining.body)["error"] as? [String: Any])
            #expect(error["code"] as? String == "not_ready")
            #expect(error["type"] as? String == "server_error")
            #expect(draining.headers.contains { $0.name.lowercased() == "x-request-id" })
            #expect((try await client.get("/healthz")).status == 200)  // alive, just not ready
            try await running.value
            #expect(!server.isReady)
        }
        try await harness.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func metrics_afterABatch_showTheSeriesMoved() async throws {
        let harness = try await EndToEndHarness()
        var quiet = Logger(label: "e2e.ops")
        quiet.logLevel = .warning
        try await withServer(harness, logger: quiet) { client, _, _ in
            let before = try await Self.scrape(client)
            #expect(before.value(of: "sluice_queue_depth", ["provider": "e2e", "state": "queued"]) != nil)
            #expect(before.value(of: "sluice_circuit_breaker_state", ["provider": "e2e"]) == 0)
            for outcome in ["delivered", "retry", "failed", "disabled"] {
                #expect(before.value(of: "sluice_webhook_deliveries_total", ["outcome": outcome]) != nil)
            }
            #expect(before.value(of: "sluice_lane_limit", ["provider": "e2e", "kind": "concurrency"]) == 64)

            let created = try await client.post(
                "/v1/batches",
                body: chatBatch(lines: 20, prefix: "metrics"),
                contentType: "application/jsonl"
            )
            #expect(created.status == 202)
            let batch = try await client.waitForBatch(try #require(created.json["id"] as? String))
            #expect(batch["status"] as? String == "completed")

            let after = try await Self.scrape(client)
            let finished = ["provider": "e2e", "outcome": "succeeded"]
            // Other tests of this process share the registry: counters only grow, by at least this batch.
            #expect(
                after.sum("sluice_jobs_finished_total", finished) - before.sum("sluice_jobs_finished_total", finished)
                    >= 20
            )
            #expect(after.sum("sluice_jobs_started_total", ["provider": "e2e"]) >= 20)
            #expect(after.sum("sluice_tokens_total", ["provider": "e2e", "model": "mock-chat", "kind": "prompt"]) > 0)
            #expect(
                after.sum("sluice_tokens_total", ["provider": "e2e", "model": "mock-chat", "kind": "completion"]) > 0
            )
            #expect(after.value(of: "sluice_cost_dollars_total", ["provider": "e2e", "model": "mock-chat"]) != nil)
            #expect(after.sum("sluice_upstream_latency_seconds_count", ["provider": "e2e"]) >= 20)
            #expect(after.sum("sluice_queue_wait_seconds_count", ["provider": "e2e"]) >= 20)
            #expect(after.sum("sluice_upstream_responses_total", ["provider": "e2e", "status": "2xx"]) >= 20)
            #expect(after.types["sluice_upstream_latency_seconds"] == "histogram")
            #expect(after.types["sluice_jobs_finished_total"] == "counter")
            #expect(after.types["sluice_queue_depth"] == "gauge")
        }
        try await harness.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func metrics_afterAJobTheProviderKeepsFailing_countTheRetryTheFailureAndThe5xx()
        async throws
    {
        let harness = try await EndToEndHarness(faults: .init(fail5xx: 1.0))
        var quiet = Logger(label: "e2e.ops")
        quiet.logLevel = .error
        try await withServer(harness, logger: quiet) { client, _, _ in
            let before = try await Self.scrape(client)
            let line =
                #"{"method":"POST","url":"/v1/chat/completions","max_attempts":2,"body":{"model":"mock-chat","messages":[{"role":"user","content":"x"}]}}"#
            let created = try await client.post("/v1/jobs", body: Data(line.utf8))
            #expect(created.status == 202)
            let id = try #require(created.json["id"] as? String)
            let done = try await client.get("/v1/jobs/\(id)?wait=30")
            #expect(done.json["status"] as? String == "failed")

            let after = try await Self.scrape(client)
            func grew(_ name: String, _ labels: [String: String], by amount: Double) -> Bool {
                after.sum(name, labels) - before.sum(name, labels) >= amount
            }
            // Other tests of this process share the registry: their jobs can only add to these.
            #expect(grew("sluice_jobs_finished_total", ["provider": "e2e", "outcome": "failed"], by: 1))
            #expect(grew("sluice_jobs_finished_total", ["provider": "e2e", "outcome": "retried"], by: 1))
            #expect(grew("sluice_retries_total", ["provider": "e2e", "reason": "upstream_error"], by: 1))
            #expect(grew("sluice_upstream_responses_total", ["provider": "e2e", "status": "5xx"], by: 2))
            #expect(after.value(of: "sluice_circuit_breaker_state", ["provider": "e2e"]) != nil)
        }
        try await harness.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func logs_ofAJobsLife_carryRequestIDs_butNeverThePromptTheAnswerOrAKey()
        async throws
    {
        let harness = try await EndToEndHarness()
        let output = LogOutput.capturing()
        var logger = Logger(label: "e2e.ops") { label in JSONLogHandler(label: label, output: output) }
        logger.logLevel = .trace
        let prompt = "confidential-prompt-\(UUID().uuidString)"
        var secrets: [String] = [EndToEndHarness.adminKey, prompt]
        try await withServer(harness, logger: logger) { client, _, _ in
            let tenantKey = try await client.makeTenant("audit")
            secrets.append(tenantKey)
            let tenant = client.authenticated(as: tenantKey)
            let line =
                #"{"method":"POST","url":"/v1/chat/completions","body":{"model":"mock-chat","messages":[{"role":"user","content":"\#(prompt)"}]}}"#
            let created = try await tenant.post("/v1/jobs", body: Data(line.utf8))
            #expect(created.status == 202)
            let id = try #require(created.json["id"] as? String)
            let done = try await tenant.get("/v1/jobs/\(id)?wait=30")
            #expect(done.json["status"] as? String == "succeeded")
            let response = try #require(done.json["response"] as? [String: Any])
            let body = try #require(response["body"] as? [String: Any])
            let choices = try #require(body["choices"] as? [[String: Any]])
            let answer = try #require((choices.first?["message"] as? [String: Any])?["content"] as? String)
            if answer.count >= 12 { secrets.append(answer) }

            // A failing request with the client's own request id: the route's log line carries it.
            let missing = try await harness.client.send(
                HTTPRequest(
                    method: "GET",
                    url: client.base + "/v1/jobs/job_999999",
                    headers: [("authorization", "Bearer \(tenantKey)"), ("x-request-id", "audit-request-1")]
                )
            )
            #expect(missing.status == 404)
        }
        try await harness.shutdown()

        let lines = output.lines
        #expect(lines.count > 10, "the trace-level run logged")
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
            for secret in secrets {
                #expect(!line.contains(secret), "a log line carries a secret or a payload: \(line)")
            }
        }
        #expect(lines.contains { $0.contains(#""request_id":"audit-request-1""#) })
    }

    // MARK: Scraping

    static func scrape(_ client: ServerClient) async throws -> Exposition {
        let response = try await client.getRaw("/metrics")
        #expect(response.status == 200)
        #expect(
            response.headers.first { $0.name.lowercased() == "content-type" }?.value.hasPrefix("text/plain") == true
        )
        return Exposition(String(decoding: response.body, as: UTF8.self))
    }
}

/// A Prometheus text exposition, parsed enough for assertions: samples by name and labels, and `# TYPE` lines.
struct Exposition {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double

        func matches(_ name: String, _ wanted: [String: String]) -> Bool {
            self.name == name && wanted.allSatisfy { key, value in labels[key] == value }
        }
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let series = line[..<space]
            var labels: [String: String] = [:]
            var name = String(series)
            if let open = series.firstIndex(of: "{"), series.last == "}" {
                name = String(series[..<open])
                let body = series[series.index(after: open)..<series.index(before: series.endIndex)]
                for pair in body.split(separator: ",") {
                    guard let equals = pair.firstIndex(of: "=") else { continue }
                    labels[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
                        .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
    }

    /// The one sample of `name` whose labels include `labels` (nil when none).
    func value(of name: String, _ labels: [String: String]) -> Double? {
        samples.first { $0.matches(name, labels) }?.value
    }

    /// The sum of every sample of `name` whose labels include `labels`.
    func sum(_ name: String, _ labels: [String: String]) -> Double {
        samples.filter { $0.matches(name, labels) }.reduce(0) { $0 + $1.value }
    }
}
