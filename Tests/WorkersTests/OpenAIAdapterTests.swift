import Foundation
import Testing

@testable import Jobs
@testable import Workers

@Suite struct OpenAIAdapterTests {
    static let provider = ProviderConfiguration(
        name: "local",
        kind: .openai,
        baseURL: "http://127.0.0.1:9000/v1/",
        apiKeyEnv: "LOCAL_KEY",
        models: ["m"]
    )

    static func job(endpoint: String, body: String) -> ClaimedJob {
        ClaimedJob(
            lease: JobLease(jobID: JobID(1), token: 9),
            tenant: "default",
            batchID: nil,
            customID: "a",
            provider: "local",
            model: "m",
            endpoint: endpoint,
            body: Data(body.utf8),
            priority: 0,
            attempt: 1,
            maxAttempts: 3,
            deadline: nil
        )
    }

    @Test func makeRequest_forChat_postsToBaseURLChatCompletionsWithBearerAndJSON() throws {
        let adapter = try OpenAIAdapter(provider: Self.provider, apiKey: APIKey("sk-test-123"))
        let body = #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#
        let request = try adapter.makeRequest(for: Self.job(endpoint: "/v1/chat/completions", body: body))
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:9000/v1/chat/completions")
        #expect(request.body == Data(body.utf8))
        #expect(request.headers.contains { $0.name == "Authorization" && $0.value == "Bearer sk-test-123" })
        #expect(request.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
    }

    @Test func makeRequest_forEmbeddings_postsToBaseURLEmbeddings() throws {
        let adapter = try OpenAIAdapter(provider: Self.provider, apiKey: nil)
        let request = try adapter.makeRequest(
            for: Self.job(endpoint: "/v1/embeddings", body: #"{"model":"m","input":"x"}"#)
        )
        #expect(request.url == "http://127.0.0.1:9000/v1/embeddings")
        #expect(!request.headers.contains { $0.name.lowercased() == "authorization" })
    }

    @Test func makeRequest_forUnknownEndpoint_throwsUnsupportedEndpoint() throws {
        let adapter = try OpenAIAdapter(provider: Self.provider, apiKey: nil)
        #expect(throws: WorkersError.self) {
            try adapter.makeRequest(for: Self.job(endpoint: "/v1/completions", body: "{}"))
        }
    }

    @Test func init_whenBaseURLIsNotHTTP_throws() {
        var provider = Self.provider
        provider.baseURL = "ftp://example/v1"
        #expect(throws: WorkersError.self) { try OpenAIAdapter(provider: provider, apiKey: nil) }
    }

    @Test func parse_chatCompletion_readsUsageCachedTokensAndRequestID() throws {
        let adapter = try OpenAIAdapter(provider: Self.provider, apiKey: nil)
        let body = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1711475054,"model":"m",
             "choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":24,"completion_tokens":15,"total_tokens":39,
                      "prompt_tokens_details":{"cached_tokens":8,"audio_tokens":0}}}
            """
        let answer = adapter.parse(
            HTTPResponse(status: 200, headers: [("x-request-id", "req_abc")], body: Data(body.utf8))
        )
        #expect(answer.isWellFormed)
        #expect(answer.response.statusCode == 200)
        #expect(answer.response.requestID == "req_abc")
        #expect(answer.response.usage == TokenUsage(promptTokens: 24, completionTokens: 15, cachedTokens: 8))
        #expect(answer.response.body == Data(body.utf8))
        #expect(answer.errorCode == nil)
    }

    @Test func parse_embeddings_readsPromptTokensWithZeroCompletion() throws {
        let adapter = try OpenAIAdapter(provider: Self.provider, apiKey: nil)
        let body = """
            {"object":"list","model":"m","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],\
            "usage":{"prompt_tokens":2,"total_tokens":2}}
            """
        let answer = adapter.parse(HTTPResponse(status: 200, headers: [], body: Data(body.utf8)))
        #expect(answer.isWellFormed)
        #expect(answer.response.usage == TokenUsage(promptTokens: 2, completionTokens: 0, cachedTokens: 0))
        #expect(answer.response.requestID == nil)
    }

    @Test func parse_whenUsageIsOutOfRange_clampsEachCountToZeroThroughTenMillion() throws {
        let adapter = try OpenAIAdapter(provider: Self.provider, apiKey: nil)
        let body = """
            {"choices":[],"usage":{"prompt_tokens":9223372036854775807,"completion_tokens":-5,\
            "prompt_tokens_details":{"cached_tokens":10000001}}}
            """
        let answer = adapter.parse(HTTPResponse(status: 200, headers: [], body: Data(body.utf8)))
        #expect(
            answer.response.usage
                == TokenUsage(promptTokens: 10_000_000, completionTokens: 0, cachedTokens: 10_000_000)
        )
    }

    @Test func parse_withoutUsage_hasNilUsage() throws {
        let adapter = try OpenAIAdapter(provider: Self.provider, apiKey: nil)
        let answer = adapter.parse(HTTPResponse(status: 200, headers: [], body: Data(#"{"choices":[]}"#.utf8)))
        #expect(answer.isWellFormed)
        #expect(answer.response.usage == nil)
    }

    @Test func parse_whenBodyIsNotJSON_isNotWellFormed() throws {
        let adapter = try OpenAIAdapter(provider: Self.provider, apiKey: nil)
        #expect(!adapter.parse(HTTPResponse(status: 200, headers: [], body: Data("<html>".utf8))).isWellFormed)
        #expect(!adapter.parse(HTTPResponse(status: 200, headers: [], body: Data("[1,2]".utf8))).isWellFormed)
        #expect(!adapter.parse(HTTPResponse(status: 200, headers: [], body: Data())).isWellFormed)
    }

    @Test func parse_errorBody_keepsOnlyASafeErrorCode() throws {
        let adapter = try OpenAIAdapter(provider: Self.provider, apiKey: nil)
        let safe = #"{"error":{"message":"too long","type":"invalid_request_error","code":"context_length_exceeded"}}"#
        #expect(
            adapter.parse(HTTPResponse(status: 400, headers: [], body: Data(safe.utf8))).errorCode
                == "context_length_exceeded"
        )
        let typeOnly = #"{"error":{"message":"x","type":"server_error","code":null}}"#
        #expect(
            adapter.parse(HTTPResponse(status: 500, headers: [], body: Data(typeOnly.utf8))).errorCode == "server_error"
        )
        let unsafe = #"{"error":{"message":"x","code":"here is the prompt text"}}"#
        #expect(adapter.parse(HTTPResponse(status: 400, headers: [], body: Data(unsafe.utf8))).errorCode == nil)
        let stringError = #"{"error":"plain text"}"#
        let answer = adapter.parse(HTTPResponse(status: 400, headers: [], body: Data(stringError.utf8)))
        #expect(answer.isWellFormed)
        #expect(answer.errorCode == nil)
    }
}

@Suite struct APIKeyTests {
    @Test func description_andDebugDescriptionAndDump_neverRevealTheKey() {
        let key = APIKey("sk-very-secret")
        #expect(!"\(key)".contains("sk-very"))
        #expect(!String(reflecting: key).contains("sk-very"))
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains("sk-very"))
    }

    @Test func load_fromEnvironment_trimsTheValue() throws {
        let provider = ProviderConfiguration(
            name: "p",
            kind: .openai,
            baseURL: "http://h/v1",
            apiKeyEnv: "K",
            models: []
        )
        #expect(try APIKey.load(for: provider, environment: ["K": " sk-1\n"]) == APIKey("sk-1"))
    }

    @Test func load_whenVariableMissing_throwsNamingTheVariable() {
        let provider = ProviderConfiguration(
            name: "p",
            kind: .openai,
            baseURL: "http://h/v1",
            apiKeyEnv: "K",
            models: []
        )
        #expect {
            try APIKey.load(for: provider, environment: [:])
        } throws: { error in
            (error as? WorkersError)?.code == .missingAPIKey && "\(error)".contains("K")
        }
    }

    @Test func load_fromFile_readsIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-key-\(UUID().uuidString)").path
        try Data("sk-from-file\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let provider = ProviderConfiguration(
            name: "p",
            kind: .openai,
            baseURL: "http://h/v1",
            apiKeyFile: path,
            models: []
        )
        #expect(try APIKey.load(for: provider, environment: [:]) == APIKey("sk-from-file"))
    }

    @Test func load_whenNoSource_returnsNil() throws {
        let provider = ProviderConfiguration(name: "p", kind: .openai, baseURL: "http://h/v1", models: [])
        #expect(try APIKey.load(for: provider, environment: [:]) == nil)
    }
}
