import Foundation
package import Jobs

/// The adapter for OpenAI and every OpenAI-compatible server (vLLM, llama.cpp, Ollama, Groq…):
/// `POST {baseURL}/chat/completions` and `POST {baseURL}/embeddings`, body forwarded as is, `Authorization: Bearer`
/// when the provider has a key; usage read from `prompt_tokens`, `completion_tokens` and
/// `prompt_tokens_details.cached_tokens`, the request id from `x-request-id`.
///
/// Usage is not trusted: each count is clamped to `0 ... maxReportedTokens` (10,000,000, far above any model's
/// context), so a broken or hostile provider cannot overflow a batch's token and cost totals.
///
/// ```swift
/// let adapter = try OpenAIAdapter(provider: provider, apiKey: APIKey.load(for: provider))
/// let request = try adapter.makeRequest(for: job)   // POST http://127.0.0.1:9000/v1/chat/completions
/// ```
package struct OpenAIAdapter: ProviderAdapter {
    /// The endpoints (as jobs name them) this adapter calls, and the path appended to the base URL for each.
    package static let endpointPaths: [String: String] = [
        "/v1/chat/completions": "/chat/completions",
        "/v1/embeddings": "/embeddings",
    ]

    /// The largest token count read from one answer's usage (per field); larger values are clamped to it and
    /// negative ones to 0.
    package static let maxReportedTokens = 10_000_000

    /// The provider's base URL without a trailing slash; it already includes the version path (`…/v1`).
    package let baseURL: String
    private let apiKey: APIKey?

    /// - Parameters:
    ///   - provider: the provider entry; only its base URL is used.
    ///   - apiKey: the key, read once at start (see `APIKey.load(for:environment:)`); nil for no authentication.
    /// - Throws: `WorkersError` `.invalidBaseURL` when the base URL is not http(s).
    package init(provider: ProviderConfiguration, apiKey: APIKey?) throws {
        var base = provider.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw WorkersError(.invalidBaseURL, message: "provider '\(provider.name)': base URL must be http(s)")
        }
        self.baseURL = base
        self.apiKey = apiKey
    }

    package func makeRequest(for job: ClaimedJob) throws -> HTTPRequest {
        guard let path = Self.endpointPaths[job.endpoint] else {
            throw WorkersError(
                .unsupportedEndpoint,
                message: "endpoint \(job.endpoint) is not supported by OpenAI-compatible providers"
            )
        }
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ]
        if let apiKey {
            headers.append(("Authorization", "Bearer \(apiKey.secret)"))
        }
        return HTTPRequest(method: "POST", url: baseURL + path, headers: headers, body: job.body)
    }

    package func parse(_ response: HTTPResponse) -> ProviderAnswer {
        let fields = OpenAIAnswerScanner.scan(response.body)
        let usage = fields.usage.map {
            TokenUsage(
                promptTokens: Self.clamped($0.promptTokens),
                completionTokens: Self.clamped($0.completionTokens),
                cachedTokens: Self.clamped($0.cachedTokens)
            )
        }
        return ProviderAnswer(
            response: JobResponse(
                statusCode: response.status,
                requestID: response.header("x-request-id"),
                body: response.body,
                usage: usage
            ),
            headers: response.headers,
            isWellFormed: fields.isWellFormed,
            errorCode: ProviderAnswer.sanitizedErrorCode(fields.errorCode ?? fields.errorType)
        )
    }
}

extension OpenAIAdapter {
    /// A reported token count within `0 ... maxReportedTokens` (absent: 0).
    static func clamped(_ count: Int?) -> Int {
        min(max(count ?? 0, 0), maxReportedTokens)
    }
}
