package import struct Foundation.Data

extension CurlTransport {
    /// Sends a GET with the default timeouts.
    /// - Parameter url: the absolute `http` or `https` URL.
    package func get(_ url: String) async throws -> HTTPResponse {
        try await send(HTTPRequest(method: "GET", url: url))
    }

    /// Sends a POST with a JSON body (`content-type: application/json`) and the default timeouts.
    /// - Parameters:
    ///   - url: the absolute `http` or `https` URL.
    ///   - json: the encoded JSON body.
    ///   - headers: extra header fields (e.g. authorization), sent after the content type.
    package func post(
        _ url: String,
        json: Data,
        headers: [(name: String, value: String)] = []
    ) async throws -> HTTPResponse {
        try await send(
            HTTPRequest(
                method: "POST",
                url: url,
                headers: [("content-type", "application/json")] + headers,
                body: json
            )
        )
    }
}
