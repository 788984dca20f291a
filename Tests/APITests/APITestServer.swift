import Crypto
import Foundation
import Logging
import ServiceLifecycle
import Workers

@testable import API
@testable import Jobs

/// The admin key of every test server (its SHA-256 goes into the configuration, as the app does).
let testAdminKey = "sk-admin-test-key"

/// Providers of the test servers: `mock` serves chat and embeddings, `other` shares `shared-model` with it.
let testProviders = [
    ProviderConfiguration(
        name: "mock",
        kind: .openai,
        baseURL: "http://127.0.0.1:1/v1",
        models: ["mock-chat", "mock-embed", "shared-model"]
    ),
    ProviderConfiguration(
        name: "other",
        kind: .openai,
        baseURL: "http://127.0.0.1:2/v1",
        models: ["shared-model", "other-chat"]
    ),
]

/// A live API server on 127.0.0.1 (port 0) over a real store on a temporary file, with a libcurl client.
struct APITestServer {
    let port: Int
    let store: JobStore
    let transport: CurlTransport

    /// Starts a server, runs `body`, then shuts the server down gracefully and removes the database.
    static func with(
        maxBodyBytes: Int = APIConfiguration.defaultMaxBodyBytes,
        resultsPageSize: Int = APIConfiguration.defaultResultsPageSize,
        maxFileBytes: Int = APIConfiguration.defaultMaxFileBytes,
        webhookURLCheck: @escaping WebhookURLCheck = WebhookURLChecks.formOnly,
        _ body: (APITestServer) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "api-tests")
        logger.logLevel = .warning
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: logger
        )
        defer { store.close() }
        var configuration = APIConfiguration(
            adminKeyHash: Data(SHA256.hash(data: Data(testAdminKey.utf8))),
            providers: testProviders,
            maxBodyBytes: maxBodyBytes,
            resultsPageSize: resultsPageSize,
            maxFileBytes: maxFileBytes
        )
        configuration.webhookURLCheck = webhookURLCheck
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = APIServer(store: store, configuration: configuration, logger: logger)
            .makeApplication(host: "127.0.0.1", port: 0) { port in portContinuation.yield(port) }
        let group = ServiceGroup(
            services: [
                BatchValidator(store: store, configuration: configuration, logger: logger),
                BatchFinalizer(store: store, logger: logger), app,
            ],
            logger: logger
        )
        let transport = try CurlTransport()
        defer { transport.shutdown() }

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestServerError() }
            let server = APITestServer(port: port, store: store, transport: transport)
            do {
                try await body(server)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    struct TestServerError: Error {}

    /// Sends a request; `key` nil sends no authorization.
    func send(
        _ method: String,
        _ path: String,
        key: String? = testAdminKey,
        headers: [(name: String, value: String)] = [],
        body: Data? = nil
    ) async throws -> Workers.HTTPResponse {
        var fields = headers
        if let key { fields.append(("authorization", "Bearer \(key)")) }
        return try await transport.send(
            Workers.HTTPRequest(
                method: method,
                url: "http://127.0.0.1:\(port)\(path)",
                headers: fields,
                body: body,
                timeout: .seconds(30),
                connectTimeout: .seconds(5)
            )
        )
    }

    /// Sends a JSON body (`content-type: application/json`).
    func send(
        _ method: String,
        _ path: String,
        key: String? = testAdminKey,
        json: String,
        headers: [(name: String, value: String)] = []
    ) async throws -> Workers.HTTPResponse {
        try await send(
            method,
            path,
            key: key,
            headers: [("content-type", "application/json")] + headers,
            body: Data(json.utf8)
        )
    }

    /// Creates a tenant and a key for it through the admin API; returns the key.
    func makeTenantKey(_ tenant: String) async throws -> String {
        let created = try await send("POST", "/v1/admin/tenants", json: #"{"id":"\#(tenant)"}"#)
        guard created.status == 201 || created.status == 200 else { throw TestServerError() }
        let key = try await send("POST", "/v1/admin/tenants/\(tenant)/keys")
        guard key.status == 201, let text = try key.json()["key"] as? String else { throw TestServerError() }
        return text
    }
}

extension Workers.HTTPResponse {
    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw APITestServer.TestServerError()
        }
        return object
    }

    /// The inner object of an OpenAI error document.
    func errorObject() throws -> [String: Any] {
        guard let error = try json()["error"] as? [String: Any] else { throw APITestServer.TestServerError() }
        return error
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A chat line for batches and jobs.
func chatLine(_ customID: String?, model: String = "mock-chat", extra: String = "") -> String {
    let id = customID.map { #""custom_id":"\#($0)","# } ?? ""
    return
        #"{\#(id)"method":"POST","url":"/v1/chat/completions","body":{"model":"\#(model)","messages":[{"role":"user","content":"hi"}]}\#(extra)}"#
}
