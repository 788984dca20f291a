import Foundation
import Testing

@testable import Workers

/// `OpenAIAnswerScanner` replaced a `JSONDecoder` pass in `OpenAIAdapter.parse`; these tests check it reads the same
/// fields as that decoder (kept here as `ReferenceEnvelope`) on ordinary answers and on the edges a byte scanner can
/// get wrong.
@Suite struct OpenAIAnswerScannerTests {
    static let chat = """
        {"id":"chatcmpl-1","object":"chat.completion","created":1711475054,"model":"m",
         "choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":24,"completion_tokens":15,"total_tokens":39,
                  "prompt_tokens_details":{"cached_tokens":8,"audio_tokens":0}}}
        """

    /// Bodies on which the scanner must agree with the decoder.
    static let corpus: [String] = [
        chat,
        #"{"object":"list","data":[{"embedding":[0.1,-2e-3,1E+2]}],"usage":{"prompt_tokens":2,"total_tokens":2}}"#,
        #"{"choices":[]}"#,
        #"{}"#,
        #" { "usage" : { } } "#,
        #"{"usage":null}"#,
        #"{"usage":5}"#,
        #"{"usage":"x"}"#,
        #"{"usage":[1,2]}"#,
        #"{"usage":{"prompt_tokens":"3","completion_tokens":true,"prompt_tokens_details":null}}"#,
        #"{"usage":{"prompt_tokens":3.0,"completion_tokens":2.5,"prompt_tokens_details":{"cached_tokens":1e2}}}"#,
        #"{"usage":{"prompt_tokens":-0,"completion_tokens":-7,"prompt_tokens_details":[]}}"#,
        #"{"usage":{"prompt_tokens":9223372036854775808,"completion_tokens":-9223372036854775808}}"#,
        #"{"usage":{"prompt_tokens":1e400,"completion_tokens":99999999999999999999999}}"#,
        #"{"usage":{"prompt_tokens_details":{"cached_tokens":"8"}}}"#,
        // "usage", braces and quotes inside strings and nested objects are not the top-level usage.
        #"{"choices":[{"message":{"content":"{\"usage\":{\"prompt_tokens\":99}} } { \\\" \\"}}]}"#,
        #"{"choices":[{"message":{"content":"\"usage\":{\"prompt_tokens\":99}"}}],"usage":{"prompt_tokens":1}}"#,
        #"{"choices":[{"usage":{"prompt_tokens":99},"error":{"code":"x"}}],"meta":{"usage":{"prompt_tokens":5}}}"#,
        #"{"usage\"":{"prompt_tokens":99},"x":"usage"}"#,
        #"{"us\u0061ge":{"prompt_tokens":4,"completion_tokens":1}}"#,
        #"{"usage":{"prompt_tokens":4},"choices":[{"message":{"content":"a\u00e9\ud83d\ude00\n\t\/"}}]}"#,
        // Errors.
        #"{"error":{"message":"too long","type":"invalid_request_error","code":"context_length_exceeded"}}"#,
        #"{"error":{"message":"x","type":"server_error","code":null}}"#,
        #"{"error":{"code":429,"type":"rate_limit"}}"#,
        #"{"error":{"code":"a\/b\u0041"}}"#,
        #"{"error":"plain text"}"#,
        #"{"error":null,"usage":{"prompt_tokens":1}}"#,
        // Malformed.
        "",
        " ",
        "<html>",
        "[1,2]",
        "\"usage\"",
        "42",
        "null",
        #"{"usage":{"prompt_tokens":1}"#,
        #"{"usage":{"prompt_tokens":1}}}"#,
        #"{"usage":{"prompt_tokens":1}} x"#,
        #"{"usage":{"prompt_tokens":01}}"#,
        #"{"usage":{"prompt_tokens":1.}}"#,
        #"{"usage":{"prompt_tokens":.5}}"#,
        #"{"usage":{"prompt_tokens":+1}}"#,
        #"{"usage":{"prompt_tokens":1e}}"#,
        #"{"usage":{"prompt_tokens":-}}"#,
        #"{"a":tru}"#,
        #"{"a":nul}"#,
        #"{"a":[1,]}"#,
        #"{"a":1,}"#,
        #"{,"a":1}"#,
        #"{"a" 1}"#,
        #"{a:1}"#,
        #"{'a':1}"#,
        #"{"a":"\x"}"#,
        #"{"a":"\u12G4"}"#,
        #"{"a":"\u12"}"#,
        "{\"a\":\"tab\there\"}",
        "{\"a\":\"new\nline\"}",
        #"{"a":"unterminated}"#,
        #"{"a":"x\"}"#,
        #"{"a":[}"#,
        #"{"a":{]}"#,
        // Foundation's decoder checks a value's grammar only when it reads it, and every key of an object it reads.
        #"{"a\x":1}"#,
        #"{"a":{"b\x":1},"usage":{"prompt_tokens":2}}"#,
        #"{"usage":{"b\x":1,"prompt_tokens":2}}"#,
        #"{"usage":{"prompt_tokens":2,"prompt_tokens_details":{"b\x":1,"cached_tokens":1}}}"#,
        #"{"error":{"b\x":1,"code":"c"}}"#,
        #"{"error":{"code":"a\xb"}}"#,
        "{\"error\":{\"code\":\"a\tb\"}}",
        "{\"usage\":{\"prompt_tokens\":1},\"k\u{1}\":2}",
        #"{"a":"\u00"}"#,
        #"{"a":"\ud800"}"#,
        #"{"usage":{"prompt_tokens":1,"prompt_tokens":2}}"#,
        #"{"usage":{"prompt_tokens":1},"usage":{"completion_tokens":2}}"#,
        #"{"a":1-2+3e.,"usage":{"prompt_tokens":1-2}}"#,
        #"{"usage":{"prompt_tokens":-01,"completion_tokens":1e5,"prompt_tokens_details":{"cached_tokens":1E-0}}}"#,
        "{\"a\":1}\u{0}",
        "\u{FEFF}{\"a\":1}",
    ]

    @Test func scan_agreesWithJSONDecoder_onEveryCorpusBody() {
        for body in Self.corpus {
            let data = Data(body.utf8)
            #expect(OpenAIAnswerScanner.scan(data) == ReferenceEnvelope.fields(data), "\(body)")
        }
    }

    @Test func scan_chatCompletion_readsUsageAndCachedTokens() {
        let fields = OpenAIAnswerScanner.scan(Data(Self.chat.utf8))
        #expect(fields.isWellFormed)
        #expect(fields.usage == .init(promptTokens: 24, completionTokens: 15, cachedTokens: 8))
        #expect(fields.errorCode == nil && fields.errorType == nil)
    }

    @Test func scan_whenContentQuotesAUsageObject_readsOnlyTheTopLevelUsage() {
        let body =
            #"{"choices":[{"message":{"content":"\"usage\":{\"prompt_tokens\":99} }}"}}],"usage":{"prompt_tokens":1}}"#
        let fields = OpenAIAnswerScanner.scan(Data(body.utf8))
        #expect(fields.isWellFormed)
        #expect(fields.usage == .init(promptTokens: 1))
    }

    @Test func scan_whenUsageIsNestedInAnotherMember_hasNoUsage() {
        let body = #"{"choices":[{"usage":{"prompt_tokens":99}}],"meta":{"usage":{"prompt_tokens":5}}}"#
        let fields = OpenAIAnswerScanner.scan(Data(body.utf8))
        #expect(fields.isWellFormed)
        #expect(fields.usage == nil)
    }

    @Test func scan_whenKeyIsEscaped_readsItDecoded() {
        let fields = OpenAIAnswerScanner.scan(Data(#"{"us\u0061ge":{"prompt_tokens":4}}"#.utf8))
        #expect(fields.usage == .init(promptTokens: 4))
    }

    @Test func scan_whenNestingIsTooDeep_isNotWellFormed() {
        let deep = #"{"a":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        #expect(!OpenAIAnswerScanner.scan(Data(deep.utf8)).isWellFormed)
        let shallow = #"{"a":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(OpenAIAnswerScanner.scan(Data(shallow.utf8)).isWellFormed)
    }
}

/// The `Decodable` envelope `OpenAIAdapter.parse` used before the scanner, as the reference the scanner must match.
private struct ReferenceEnvelope: Decodable {
    var usage: Usage?
    var error: ErrorObject?

    static func fields(_ data: Data) -> OpenAIAnswerScanner.Fields {
        guard let envelope = try? JSONDecoder().decode(Self.self, from: data) else { return .init() }
        return OpenAIAnswerScanner.Fields(
            isWellFormed: true,
            usage: envelope.usage.map {
                .init(
                    promptTokens: $0.promptTokens,
                    completionTokens: $0.completionTokens,
                    cachedTokens: $0.promptTokensDetails?.cachedTokens
                )
            },
            errorCode: envelope.error?.code,
            errorType: envelope.error?.type,
            hasError: envelope.error != nil
        )
    }

    enum CodingKeys: String, CodingKey { case usage, error }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        usage = try? container.decodeIfPresent(Usage.self, forKey: .usage)
        error = try? container.decodeIfPresent(ErrorObject.self, forKey: .error)
    }

    struct Usage: Decodable {
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

    struct PromptTokensDetails: Decodable {
        var cachedTokens: Int?

        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            cachedTokens = try? container.decodeIfPresent(Int.self, forKey: .cachedTokens)
        }
    }

    struct ErrorObject: Decodable {
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
