import Foundation
import Logging
import MockProvider
import ServiceLifecycle
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs a `MockProviderServer` on 127.0.0.1 port 0 inside a `ServiceGroup` for the duration of `body`, then shuts
/// it down gracefully. `body` gets a small URLSession client pointed at the bound port.
func withMockProvider<T: Sendable>(
    _ configuration: MockProviderConfiguration = MockProviderConfiguration(),
    _ body: (MockProviderServer, MockProviderClient) async throws -> T
) async throws -> T {
    var logger = Logger(label: "mock-provider-tests")
    logger.logLevel = .warning
    let server = MockProviderServer(configuration: configuration, logger: logger)
    let group = ServiceGroup(services: [server], logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let port = try await server.waitUntilListening()
            let client = MockProviderClient(port: port)
            defer { client.close() }
            let result = try await body(server, client)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// One HTTP answer, with the body parsed as a JSON object when it is one.
struct HTTPReply {
    var status: Int
    var headers: [String: String]
    var body: Data

    /// The body as a JSON object (fails the test when it is not one).
    func json(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: body)
        return try #require(object as? [String: Any], sourceLocation: sourceLocation)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// A minimal URLSession client for the mock (the real client is libcurl; this one only has to be correct).
final class MockProviderClient: Sendable {
    let port: Int
    private let session: URLSession

    init(port: Int) {
        self.port = port
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 16
        self.session = URLSession(configuration: configuration)
    }

    func close() {
        session.finishTasksAndInvalidate()
    }

    func post(_ path: String, body: String, headers: [String: String] = [:]) async throws -> HTTPReply {
        try await send("POST", path, body: Data(body.utf8), headers: headers)
    }

    /// POSTs `object` serialised by JSONSerialization.
    func post(_ path: String, json object: [String: Any]) async throws -> HTTPReply {
        try await send("POST", path, body: JSONSerialization.data(withJSONObject: object), headers: [:])
    }

    func get(_ path: String) async throws -> HTTPReply {
        try await send("GET", path, body: nil, headers: [:])
    }

    private func send(
        _ method: String,
        _ path: String,
        body: Data?,
        headers: [String: String]
    ) async throws
        -> HTTPReply
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name] = value }
        }
        return HTTPReply(status: http.statusCode, headers: fields, body: data)
    }
}
