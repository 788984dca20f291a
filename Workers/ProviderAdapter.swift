package import Jobs

/// Speaks one provider wire format: turns a claimed job into the upstream HTTP request, and the upstream answer
/// into a `ProviderAnswer` (status, request id, usage, body) that the `FailureClassifier` can judge.
///
/// Adapters are pure: no I/O, no clock. The lane sets the transport timeouts on the request afterwards.
///
/// ```swift
/// let adapter = OpenAIAdapter(provider: provider, apiKey: try APIKey.load(for: provider))
/// let request = try adapter.makeRequest(for: job)
/// let answer = adapter.parse(try await transport.send(request))
/// ```
package protocol ProviderAdapter: Sendable {
    /// The upstream request for the job. Throws `WorkersError` (`.unsupportedEndpoint`) when the job cannot be
    /// expressed in this wire format; that failure is permanent.
    func makeRequest(for job: ClaimedJob) throws -> HTTPRequest

    /// Reads an upstream answer: never fails, but says whether the body was well formed.
    func parse(_ response: HTTPResponse) -> ProviderAnswer
}

/// An upstream HTTP answer as an adapter read it.
package struct ProviderAnswer: Sendable {
    /// What is stored with the job: status, the provider's request id, body bytes and parsed usage.
    package var response: JobResponse
    /// The response header fields (for `Retry-After`, `x-should-retry`).
    package var headers: [(name: String, value: String)]
    /// Whether the body is the JSON object the wire format promises. A 2xx that is not is a retryable failure.
    package var isWellFormed: Bool
    /// The provider's error code or type (`context_length_exceeded`, `insufficient_quota`…), only when it is a
    /// short identifier (letters, digits, `_`, `-`, `.`), so it can be logged and stored without leaking text.
    package var errorCode: String?

    package init(
        response: JobResponse,
        headers: [(name: String, value: String)],
        isWellFormed: Bool,
        errorCode: String?
    ) {
        self.response = response
        self.headers = headers
        self.isWellFormed = isWellFormed
        self.errorCode = errorCode
    }

    /// Keeps `code` only when it is a short identifier that cannot carry prompt or response text.
    package static func sanitizedErrorCode(_ code: String?) -> String? {
        guard let code, !code.isEmpty, code.count <= 64 else { return nil }
        let allowed = code.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || scalar == "_" || scalar == "-" || scalar == "."
        }
        return allowed ? code : nil
    }
}
