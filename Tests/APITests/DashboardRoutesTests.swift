import Crypto
import Foundation
import Logging
import ServiceLifecycle
import Testing
import Workers

@testable import API
@testable import Jobs

/// `GET /` (the page) and `GET /v1/admin/dashboard` (its data), through a live server.
@Suite struct DashboardRoutesTests {
    @Test(.timeLimit(.minutes(1)))
    func page_withoutKey_isSelfContainedHTMLWithNoExternalURL() async throws {
        try await APITestServer.with { server in
            let response = try await server.send("GET", "/", key: nil)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "text/html; charset=utf-8")
            let policy = try #require(response.header("content-security-policy"))
            #expect(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"))
            let html = response.text
            #expect(html.hasPrefix("<!doctype html>"))
            // The only URL in the page is the SVG namespace name, which is an identifier and never fetched.
            let urls = Self.matches(of: #"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>)]*"#, in: html)
            #expect(Set(urls) == ["http://www.w3.org/2000/svg"])
            for loader in ["<link", " src=", "@import", "url(", "//cdn", "<iframe", "innerHTML", "outerHTML"] {
                #expect(!html.contains(loader), "the page must not contain \(loader)")
            }
            #expect(html.contains("/v1/admin/dashboard") && html.contains("sessionStorage"))
            #expect(html.contains(#"id="chart-throughput""#) && html.contains(#"id="chart-queue""#))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func snapshot_withoutAdminKey_isRefused() async throws {
        try await APITestServer.with { server in
            let tenantKey = try await server.makeTenantKey("acme")
            #expect(try await server.send("GET", "/v1/admin/dashboard", key: nil).status == 401)
            #expect(try await server.send("GET", "/v1/admin/dashboard", key: tenantKey).status == 403)
            #expect(try await server.send("GET", "/v1/admin/dashboard?spend_hours=0").status == 400)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func snapshot_withoutSource_showsConfiguredLanesSpendFailuresAndBatches() async throws {
        try await APITestServer.with { server in
            let batchID = try await Self.seed(server.store)
            let response = try await server.send("GET", "/v1/admin/dashboard")
            #expect(response.status == 200)
            let snapshot = try response.json()
            #expect(snapshot["object"] as? String == "dashboard")

            let lanes = try #require(snapshot["lanes"] as? [[String: Any]])
            #expect(lanes.map { $0["provider"] as? String } == ["mock", "other"])
            let mock = try #require(lanes.first)
            #expect(mock["max_concurrency"] as? Int == ProviderConfiguration.Limits.defaultMaxConcurrency)
            #expect(mock["queued"] as? Int == 1)
            #expect(mock["running"] as? Int == 0)
            #expect(mock["paused"] as? Bool == false)
            #expect((snapshot["queue"] as? [String: Any])?["queued"] as? Int == 1)
            #expect((snapshot["history"] as? [Any])?.isEmpty == true)

            let byModel = try #require(snapshot["spend_by_model"] as? [[String: Any]])
            #expect(byModel.count == 1)
            #expect(byModel.first?["model"] as? String == "mock-chat")
            #expect(byModel.first?["provider"] as? String == "mock")
            #expect(byModel.first?["prompt_tokens"] as? Int == 10)
            let byTenant = try #require(snapshot["spend_by_tenant"] as? [[String: Any]])
            #expect(byTenant.map { $0["tenant"] as? String } == ["<b>acme</b>"])

            let failures = try #require(snapshot["failures"] as? [[String: Any]])
            #expect(failures.count == 1)
            #expect(failures.first?["code"] as? String == "upstream_error")
            #expect((failures.first?["message"] as? String)?.count == DashboardRoutes.maxMessageCharacters)
            #expect(failures.first?["status_code"] as? Int == 400)
            #expect(failures.first?["custom_id"] as? String == "r2")

            let batches = try #require(snapshot["batches"] as? [[String: Any]])
            #expect(batches.map { $0["id"] as? String } == [batchID.description])
            #expect(batches.first?["total"] as? Int == 3)
            #expect(batches.first?["succeeded"] as? Int == 1)
            #expect(batches.first?["failed"] as? Int == 1)
            #expect(batches.first?["status"] as? String == "in_progress")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func snapshot_withSource_showsItsLanesAndHistory() async throws {
        let source = FixedSource(
            lanesValue: [
                OperatorLane(
                    provider: "mock",
                    rpm: 600,
                    tpm: nil,
                    maxConcurrency: 8,
                    running: 3,
                    learned: [.init(model: "mock-chat", rpm: 500, tpm: 90_000)],
                    adaptiveWindow: nil,
                    pausedFor: .milliseconds(1500)
                )
            ],
            historyValue: [
                OperatorSample(
                    time: Date(timeIntervalSince1970: 1_000),
                    queued: 4,
                    running: 2,
                    finished: 0,
                    intervalSeconds: 0
                ),
                OperatorSample(
                    time: Date(timeIntervalSince1970: 1_060),
                    queued: 1,
                    running: 3,
                    finished: 30,
                    intervalSeconds: 60
                ),
            ]
        )
        try await Self.withServer(source: source) { send in
            let snapshot = try await send("/v1/admin/dashboard").json()
            let lanes = try #require(snapshot["lanes"] as? [[String: Any]])
            #expect(lanes.count == 1)
            #expect(lanes.first?["rpm"] as? Int == 600)
            #expect(lanes.first?["tpm"] is NSNull)
            #expect(lanes.first?["running"] as? Int == 3)
            #expect(lanes.first?["paused"] as? Bool == true)
            #expect(lanes.first?["paused_ms"] as? Int == 1500)
            #expect(lanes.first?["kind"] as? String == "openai")
            let learned = try #require(lanes.first?["learned"] as? [[String: Any]])
            #expect(learned.first?["tpm"] as? Int == 90_000)
            let history = try #require(snapshot["history"] as? [[String: Any]])
            #expect(history.map { $0["time"] as? Int } == [1_000, 1_060])
            #expect(history.last?["finished"] as? Int == 30)
            #expect(history.last?["interval_seconds"] as? Int == 60)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func keys_listAndRevoke_revokedKeyIsRefused() async throws {
        try await APITestServer.with { server in
            let key = try await server.makeTenantKey("acme")
            _ = try await server.makeTenantKey("acme")
            #expect(try await server.send("GET", "/v1/batches", key: key).status == 200)

            let tenants = try await server.send("GET", "/v1/admin/tenants").json()
            #expect((tenants["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.contains("acme") == true)

            let list = try await server.send("GET", "/v1/admin/tenants/acme/keys").json()
            let keys = try #require(list["data"] as? [[String: Any]])
            #expect(keys.count == 2)
            #expect(keys.allSatisfy { $0["revoked_at"] is NSNull && $0["key"] == nil })
            let first = try #require(keys.first?["id"] as? String)
            #expect(key.hasPrefix(try #require(keys.first?["prefix"] as? String)))

            let revoked = try await server.send("DELETE", "/v1/admin/tenants/acme/keys/\(first)")
            #expect(revoked.status == 200)
            let revokedAt = try #require(try revoked.json()["revoked_at"] as? Int)
            #expect(try await server.send("GET", "/v1/batches", key: key).status == 401)
            let again = try await server.send("DELETE", "/v1/admin/tenants/acme/keys/\(first)").json()
            #expect(again["revoked_at"] as? Int == revokedAt)

            #expect(try await server.send("DELETE", "/v1/admin/tenants/acme/keys/key_999").status == 404)
            #expect(try await server.send("DELETE", "/v1/admin/tenants/acme/keys/nope").status == 404)
            #expect(try await server.send("DELETE", "/v1/admin/tenants/other/keys/\(first)").status == 404)
            #expect(try await server.send("GET", "/v1/admin/tenants/ghost/keys").status == 404)
            #expect(try await server.send("GET", "/v1/admin/tenants/acme/keys", key: key).status == 401)
        }
    }

    // MARK: Support

    /// A batch of three for tenant `<b>acme</b>` (a name a page must escape): r1 succeeded with usage, r2 failed
    /// with a long message, r3 still queued.
    static func seed(_ store: JobStore) async throws -> BatchID {
        let tenant = "<b>acme</b>"
        let jobs = (1...3).map { index in
            NewJob(
                customID: "r\(index)",
                provider: "mock",
                model: "mock-chat",
                endpoint: "/v1/chat/completions",
                body: Data(#"{"model":"mock-chat","messages":[{"role":"user","content":"secret prompt"}]}"#.utf8)
            )
        }
        let batch = try await store.insertBatch(
            NewBatch(
                endpoint: "/v1/chat/completions",
                completionWindow: "24h",
                metadata: nil,
                expiresAt: Date().addingTimeInterval(3600),
                jobs: jobs
            ),
            tenant: tenant,
            idempotencyKey: nil
        )
        let claimed = try await store.claim(provider: "mock", limit: 2, leaseDuration: .seconds(60))
        let leases = Dictionary(uniqueKeysWithValues: claimed.map { ($0.customID ?? "", $0.lease) })
        _ = try await store.complete(
            #require(leases["r1"]),
            response: JobResponse(
                statusCode: 200,
                requestID: "req_1",
                body: Data(#"{"choices":[]}"#.utf8),
                usage: TokenUsage(promptTokens: 10, completionTokens: 4, cachedTokens: 0)
            )
        )
        _ = try await store.fail(
            #require(leases["r2"]),
            response: JobResponse(statusCode: 400, requestID: nil, body: Data("{}".utf8), usage: nil),
            failure: JobFailure(code: "upstream_error", message: String(repeating: "x", count: 1000))
        )
        return batch.id
    }

    static func matches(of pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }

    struct FixedSource: OperatorSnapshotSource {
        var lanesValue: [OperatorLane]
        var historyValue: [OperatorSample]
        func lanes() -> [OperatorLane] { lanesValue }
        func history() async throws -> [OperatorSample] { historyValue }
    }

    /// A live server with `source`, answering admin GETs through `send`.
    static func withServer(
        source: some OperatorSnapshotSource,
        _ body: (_ send: (String) async throws -> Workers.HTTPResponse) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sluice-dash-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "dashboard-tests")
        logger.logLevel = .warning
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: logger
        )
        defer { store.close() }
        let configuration = APIConfiguration(
            adminKeyHash: Data(SHA256.hash(data: Data(testAdminKey.utf8))),
            providers: testProviders
        )
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = APIServer(store: store, configuration: configuration, operatorSource: source, logger: logger)
            .makeApplication(host: "127.0.0.1", port: 0) { port in continuation.yield(port) }
        let group = ServiceGroup(services: [app], logger: logger)
        let transport = try CurlTransport()
        defer { transport.shutdown() }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw APITestServer.TestServerError() }
            do {
                try await body { path in
                    try await transport.send(
                        Workers.HTTPRequest(
                            method: "GET",
                            url: "http://127.0.0.1:\(port)\(path)",
                            headers: [("authorization", "Bearer \(testAdminKey)")]
                        )
                    )
                }
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
