public import struct Foundation.Data

/// An outbound HTTP request, as the provider adapters build it.
package struct HTTPRequest: Sendable {
    package var method: String
    package var url: String
    /// Header fields in order. Secrets (authorization) travel here and are never logged.
    package var headers: [(name: String, value: String)]
    package var body: Data?
    /// Limit on the whole transfer.
    package var timeout: Duration
    /// Limit on establishing the connection.
    package var connectTimeout: Duration
    /// Pinned name resolutions in CURLOPT_RESOLVE form (`host:port:address[,address]`): the connection goes to
    /// these addresses, not to what DNS says now. Webhook deliveries set it to the addresses checked by
    /// `OutboundURLPolicy`. Empty for ordinary requests.
    package var resolve: [String]
    /// Whether the transfer may go through a proxy named by `http_proxy` / `https_proxy` / `all_proxy`. Webhook
    /// deliveries say no: a proxy would connect wherever the name resolves for it, around the checked addresses.
    package var allowsProxy: Bool

    package init(
        method: String = "POST",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: Data? = nil,
        timeout: Duration = .seconds(600),
        connectTimeout: Duration = .seconds(10),
        resolve: [String] = [],
        allowsProxy: Bool = true
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.resolve = resolve
        self.allowsProxy = allowsProxy
    }
}

/// An HTTP answer: status, header fields (names lower-cased) and body bytes.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: Data

    package init(status: Int, headers: [(name: String, value: String)], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header field, by case-insensitive name.
    package func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }
}

/// The seam between the workers and the network. The production implementation is `CurlTransport`
/// (libcurl's multi interface on one dedicated thread).
///
/// ```swift
/// let response = try await transport.send(HTTPRequest(url: "http://127.0.0.1:9000/v1/chat/completions", body: body))
/// ```
///
/// Cancelling the calling task aborts the transfer and throws `TransportError` with code `.cancelled`.
package protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// Why a transfer produced no HTTP answer. Never carries bodies or header values.
package struct TransportError: Error, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case timeout, connect, reset, cancelled, malformed, other }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The connect or total timeout passed.
        package static var timeout: Code { Code(.timeout) }
        /// The connection could not be established (refused, DNS, unreachable).
        package static var connect: Code { Code(.connect) }
        /// The connection broke during the exchange (reset, empty reply, partial body).
        package static var reset: Code { Code(.reset) }
        /// The calling task was cancelled, or the transport shut down.
        package static var cancelled: Code { Code(.cancelled) }
        /// The request could not be built (bad URL, bad option).
        package static var malformed: Code { Code(.malformed) }
        /// Any other libcurl failure.
        package static var other: Code { Code(.other) }

        package var description: String { "\(value)" }
    }

    package var code: Code
    /// libcurl's CURLcode, when the error came from libcurl.
    package var curlCode: Int?
    /// A short description (libcurl's error text); never a body or a header value.
    package var message: String

    package init(_ code: Code, message: String, curlCode: Int? = nil) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
    }

    package var description: String {
        "TransportError(\(code)): \(message)" + (curlCode.map { " [curl \($0)]" } ?? "")
    }
}
