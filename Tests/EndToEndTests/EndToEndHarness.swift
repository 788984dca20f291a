import App
import Foundation
import Jobs
import Logging
import MockProvider
import ServiceLifecycle
import Testing
import Workers

/// A real Sluice server (SQLite file, HTTP on loopback, libcurl) in front of a real mock provider server,
/// both in this process, for end-to-end tests.
final class EndToEndHarness: Sendable {
    static let adminKey = "sk-e2e-admin-key"

    let dataDirectory: String
    let mock: MockProviderServer
    let mockPort: Int
    let client: CurlTransport
    private let mockGroup: ServiceGroup
    private let mockTask: Task<Void, any Error>

    /// Starts the mock provider (with the given latency and faults) and prepares a data directory.
    init(mockLatency: Duration = .zero, faults: MockProviderConfiguration.Faults = .none) async throws {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-e2e-\(UUID())").path
        var logger = Logger(label: "e2e.mock")
        logger.logLevel = .warning
        mock = MockProviderServer(configuration: .init(latency: mockLatency, faults: faults), logger: logger)
        mockGroup = ServiceGroup(configuration: .init(services: [.init(service: mock)], logger: logger))
        let group = mockGroup
        mockTask = Task { try await group.run() }
        mockPort = try await mock.waitUntilListening()
        client = try CurlTransport()
    }

    /// The configuration of a server on a free port whose one provider, `e2e`, is the mock provider.
    func configuration(
        maxConcurrency: Int = 64,
        leaseSeconds: Int = 60,
        shutdownTimeoutSeconds: Int = 1
    )
        -> SluiceConfiguration
    {
        SluiceConfiguration(
            listen: .init(host: "127.0.0.1", port: 0),
            dataDirectory: dataDirectory,
            providers: [
                ProviderConfiguration(
                    name: "e2e",
                    kind: .openai,
                    baseURL: "http://127.0.0.1:\(mockPort)/v1",
                    models: ["mock-chat", "mock-embed"],
                    limits: .init(maxConcurrency: maxConcurrency)
                )
            ],
            mock: .init(enabled: false),
            queue: .init(leaseSeconds: leaseSeconds, shutdownTimeoutSeconds: shutdownTimeoutSeconds)
        )
    }

    /// Runs a server until `body` returns, then shuts it down gracefully and waits for it to stop.
    func withServer<T: Sendable>(
        _ configuration: SluiceConfiguration? = nil,
        _ body: (ServerClient) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "e2e.sluice")
        logger.logLevel = .warning
        let server = SluiceServer(
            configuration: configuration ?? self.configuration(),
            environment: ["SLUICE_ADMIN_KEY": Self.adminKey],
            logger: logger
        )
        let running = Task { try await server.run() }
        do {
            let port = try await server.waitUntilListening()
            let result = try await body(
                ServerClient(base: "http://127.0.0.1:\(port)", transport: client, server: server)
            )
            await server.triggerGracefulShutdown()
            try await running.value
            return result
        } catch {
            await server.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
    }

    func shutdown() async throws {
        client.shutdown()
        await mockGroup.triggerGracefulShutdown()
        try await mockTask.value
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }
}

/// Talks to a running server through libcurl, with the admin key unless `authenticated(as:)` picks another.
struct ServerClient: Sendable {
    let base: String
    let transport: CurlTransport
    /// The server behind `base`, when the harness started it.
    var server: SluiceServer? = nil
    /// The API key every request carries.
    var key: String = EndToEndHarness.adminKey

    private var auth: [(name: String, value: String)] { [("authorization", "Bearer \(key)")] }

    /// The same client, sending `key` instead.
    func authenticated(as key: String) -> ServerClient {
        var client = self
        client.key = key
        return client
    }

    /// Creates a tenant and a key for it through the admin API (this client must hold the admin key); returns the
    /// key.
    func makeTenant(_ tenant: String) async throws -> String {
        let created = try await post("/v1/admin/tenants", body: Data(#"{"id":"\#(tenant)"}"#.utf8))
        #expect(created.status == 201)
        let key = try await post("/v1/admin/tenants/\(tenant)/keys", body: Data("{}".utf8))
        #expect(key.status == 201)
        return try #require(key.json["key"] as? String)
    }

    func get(_ path: String) async throws -> (status: Int, json: [String: Any]) {
        let response = try await transport.send(HTTPRequest(method: "GET", url: base + path, headers: auth))
        return (response.status, try Self.object(response.body))
    }

    func getRaw(_ path: String) async throws -> HTTPResponse {
        try await transport.send(HTTPRequest(method: "GET", url: base + path, headers: auth))
    }

    func post(
        _ path: String,
        body: Data,
        contentType: String = "application/json"
    ) async throws
        -> (status: Int, json: [String: Any])
    {
        let response = try await transport.send(
            HTTPRequest(method: "POST", url: base + path, headers: auth + [("content-type", contentType)], body: body)
        )
        return (response.status, try Self.object(response.body))
    }

    /// Polls the batch (with a deadline) until it is final and returns it.
    func waitForBatch(_ id: String, timeout: Duration = .seconds(120)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (_, batch) = try await get("/v1/batches/\(id)")
            if let status = batch["status"] as? String,
                ["completed", "failed", "expired", "cancelled"].contains(status)
            {
                return batch
            }
            if ContinuousClock.now > deadline {
                Issue.record(
                    "batch \(id) not final in time: \(batch["status"] ?? "?") \(batch["request_counts"] ?? "?")"
                )
                return batch
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The batch's results file, as one parsed object per line.
    func results(_ id: String) async throws -> [[String: Any]] {
        let response = try await getRaw("/v1/batches/\(id)/results")
        #expect(response.status == 200)
        return try String(decoding: response.body, as: UTF8.self).split(separator: "\n").map {
            try Self.object(Data($0.utf8))
        }
    }

    static func object(_ data: Data) throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
}

/// A JSONL batch of chat lines `prefix-0 … prefix-(n-1)`.
func chatBatch(lines: Int, prefix: String = "line") -> Data {
    var text = ""
    for i in 0..<lines {
        text +=
            #"{"custom_id":"\#(prefix)-\#(i)","method":"POST","url":"/v1/chat/completions","body":{"model":"mock-chat","messages":[{"role":"user","content":"Summarise document \#(i)"}]}}"#
        text += "\n"
    }
    return Data(text.utf8)
}
