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
        let envelope = try? JSONDecoder().decode(Envelope.self, from: response.body)
        let usage = envelope?.usage.map {
            TokenUsage(
                promptTokens: Self.clamped($0.promptTokens),
                completionTokens: Self.clamped($0.completionTokens),
                cachedTokens: Self.clamped($0.promptTokensDetails?.cachedTokens)
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
            isWellFormed: envelope != nil,
            errorCode: ProviderAnswer.sanitizedErrorCode(envelope?.error?.code ?? envelope?.error?.type)
        )
    }
}

extension OpenAIAdapter {
    /// A reported token count within `0 ... maxReportedTokens` (absent: 0).
    static func clamped(_ count: Int?) -> Int {
        min(max(count ?? 0, 0), maxReportedTokens)
    }

    /// The parts of an OpenAI answer the workers read. Decoding fails only when the body is not a JSON object;
    /// a malformed `usage` or `error` member is ignored rather than failing the whole answer.
    private struct Envelope: Decodable {
        var usage: Usage?
        var error: ErrorObject?

        enum CodingKeys: String, CodingKey { case usage, error }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            usage = try? container.decodeIfPresent(Usage.self, forKey: .usage)
            error = try? container.decodeIfPresent(ErrorObject.self, forKey: .error)
        }
    }

    private struct Usage: Decodable {
        var promptTokens: Int?
        var completionTokens: Int?
        var promptTokensDetails: PromptTokensDetails?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case promptTokensDetails = "prompt_tokens_details"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            promptTokens = try? container.decodeIfPresent(Int.self, forKey: .promptTokens)
            completionTokens = try? container.decodeIfPresent(Int.self, forKey: .completionTokens)
            promptTokensDetails = try? container.decodeIfPresent(PromptTokensDetails.self, forKey: .promptTokensDetails)
        }
    }

    private struct PromptTokensDetails: Decodable {
        var cachedTokens: Int?

        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            cachedTokens = try? container.decodeIfPresent(Int.self, forKey: .cachedTokens)
        }
    }

    private struct ErrorObject: Decodable {
        var code: String?
        var type: String?

        enum CodingKeys: String, CodingKey { case code, type }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = try? container.decodeIfPresent(String.self, forKey: .code)
            type = try? container.decodeIfPresent(String.self, forKey: .type)
        }
    }
}
