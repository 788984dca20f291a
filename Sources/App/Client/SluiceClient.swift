package import Foundation
import Workers

/// The command-line client's HTTP side: requests to a Sluice server with the caller's key, through the workers'
/// libcurl transport (`CurlTransport`; one dedicated thread, the same code that talks to providers).
///
/// Error answers become `ClientError(.server)` with the server's message and code; an unreachable server
/// `ClientError(.connect)`. The key travels only in the `Authorization` header and is never printed.
///
/// ```swift
/// let client = try SluiceClient(settings: settings)
/// let batch = try await client.object("GET", "/v1/batches/batch_1")
/// ```
package final class SluiceClient: Sendable {
    /// Default limit on a call that returns a small object.
    package static let defaultTimeout: Duration = .seconds(120)

    package let settings: ClientSettings
    private let transport: CurlTransport

    package init(settings: ClientSettings) throws {
        self.settings = settings
        do {
            self.transport = try CurlTransport(configuration: .init(maxConnections: 4, maxHostConnections: 4))
        } catch {
            throw ClientError(.connect, "Cannot start the HTTP client: \(error)")
        }
    }

    deinit { transport.shutdown() }

    /// Sends a request and returns the answer when its status is 2xx.
    /// - Parameters:
    ///   - method: `GET`, `POST`, `DELETE`…
    ///   - path: the path and query, starting with `/`.
    ///   - body: the request body, if any.
    ///   - headers: extra header fields (content type, idempotency key).
    ///   - timeout: limit on the whole exchange.
    /// - Throws: `ClientError(.connect)` when no answer came, `ClientError(.server)` for a non-2xx answer.
    package func send(
        _ method: String,
        _ path: String,
        body: Data? = nil,
        headers: [(name: String, value: String)] = [],
        timeout: Duration = defaultTimeout
    ) async throws -> (status: Int, body: Data) {
        let response: HTTPResponse
        do {
            response = try await transport.send(
                HTTPRequest(
                    method: method,
                    url: settings.server + path,
                    headers: [("authorization", "Bearer \(settings.key)"), ("accept", "application/json")] + headers,
                    body: body,
                    timeout: timeout,
                    connectTimeout: .seconds(10)
                )
            )
        } catch let error as TransportError {
            throw ClientError(.connect, "Cannot reach \(settings.server): \(error.message).")
        }
        guard (200..<300).contains(response.status) else {
            throw Self.serverError(status: response.status, body: response.body)
        }
        return (response.status, response.body)
    }

    /// Sends a request and decodes the answer as a JSON object.
    /// - Parameter json: a body to send as `application/json`.
    package func object(
        _ method: String,
        _ path: String,
        json: [String: Any]? = nil,
        timeout: Duration = defaultTimeout
    ) async throws -> [String: Any] {
        var body: Data?
        var headers: [(name: String, value: String)] = []
        if let json {
            body = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
            headers.append(("content-type", "application/json"))
        }
        let answer = try await send(method, path, body: body, headers: headers, timeout: timeout)
        return try Self.decodeObject(answer.body)
    }

    /// The `data` array of a list answer.
    package func list(_ path: String) async throws -> [[String: Any]] {
        let answer = try await object("GET", path)
        guard let data = answer["data"] as? [[String: Any]] else {
            throw ClientError(.protocolError, "The server's answer to GET \(path) has no `data` list.")
        }
        return data
    }

    /// A JSON object, or `ClientError(.protocolError)`.
    package static func decodeObject(_ data: Data) throws -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ClientError(.protocolError, "The server answered something that is not a JSON object.")
        }
        return object
    }

    /// The error of a non-2xx answer: OpenAI's `{"error":{"message","code"}}` when the body has it.
    package static func serverError(status: Int, body: Data) -> ClientError {
        let error = (try? decodeObject(body))?["error"] as? [String: Any]
        let message = (error?["message"] as? String) ?? "The server answered HTTP \(status)."
        let code = (error?["code"] as? String).map { " [\($0)]" } ?? ""
        return ClientError(.server, "\(message)\(code) (HTTP \(status))", status: status)
    }
}
