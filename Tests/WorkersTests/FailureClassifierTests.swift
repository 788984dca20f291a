import Foundation
import Jobs
import Testing

@testable import Workers

@Suite struct FailureClassifierTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func answer(_ status: Int, body: String = "{}", headers: [(name: String, value: String)] = []) -> ProviderAnswer {
        let adapter = try! OpenAIAdapter(
            provider: .init(name: "p", kind: .openai, baseURL: "http://h/v1", models: []),
            apiKey: nil
        )
        return adapter.parse(HTTPResponse(status: status, headers: headers, body: Data(body.utf8)))
    }

    enum Kind: Equatable { case success, retryable, rateLimited, permanent }

    func kind(_ verdict: Verdict) -> Kind {
        switch verdict {
        case .success: .success
        case .retryable: .retryable
        case .rateLimited: .rateLimited
        case .permanent: .permanent
        }
    }

    @Test(arguments: [
        (200, Kind.success), (201, .success),
        (408, .retryable), (409, .retryable), (500, .retryable), (502, .retryable), (503, .retryable),
        (504, .retryable), (529, .retryable),
        (429, .rateLimited),
        (400, .permanent), (401, .permanent), (403, .permanent), (404, .permanent), (413, .permanent),
        (422, .permanent), (301, .permanent),
    ])
    func classify_status(status: Int, expected: Kind) {
        #expect(kind(FailureClassifier.classify(answer(status), now: now)) == expected)
    }

    @Test func classify_whenTwoHundredWithMalformedBody_isRetryableMalformedResponse() {
        let verdict = FailureClassifier.classify(answer(200, body: "{not json"), now: now)
        guard case .retryable(let failure, _) = verdict else {
            Issue.record("expected retryable, got \(verdict)")
            return
        }
        #expect(failure.code == "malformed_response")
    }

    @Test func classify_whenContextTooLong_isPermanentAndNamesTheCodeButNotTheMessage() {
        let body = """
            {"error":{"message":"This model's maximum context length is 8192 tokens. secret prompt",\
            "type":"invalid_request_error","code":"context_length_exceeded"}}
            """
        let verdict = FailureClassifier.classify(answer(400, body: body), now: now)
        guard case .permanent(let failure) = verdict else {
            Issue.record("expected permanent, got \(verdict)")
            return
        }
        #expect(failure.code == "upstream_error")
        #expect(failure.message.contains("400"))
        #expect(failure.message.contains("context_length_exceeded"))
        #expect(!failure.message.contains("secret prompt"))
    }

    @Test func classify_whenRateLimitedWithRetryAfter_carriesIt() {
        let verdict = FailureClassifier.classify(answer(429, headers: [("retry-after", "7")]), now: now)
        #expect(
            verdict
                == .rateLimited(
                    JobFailure(code: "rate_limited", message: "upstream answered HTTP 429"),
                    retryAfter: .seconds(7)
                )
        )
    }

    @Test func classify_whenServerErrorWithRetryAfterMs_carriesIt() {
        let verdict = FailureClassifier.classify(answer(503, headers: [("retry-after-ms", "1500")]), now: now)
        guard case .retryable(_, let retryAfter) = verdict else {
            Issue.record("expected retryable, got \(verdict)")
            return
        }
        #expect(retryAfter == .milliseconds(1500))
    }

    @Test func classify_whenInsufficientQuota_isPermanent() {
        let body = """
            {"error":{"message":"You exceeded your current quota","type":"insufficient_quota",\
            "code":"insufficient_quota"}}
            """
        #expect(kind(FailureClassifier.classify(answer(429, body: body), now: now)) == .permanent)
    }

    @Test func classify_whenShouldRetryHeader_overridesTheStatus() {
        #expect(
            kind(FailureClassifier.classify(answer(400, headers: [("x-should-retry", "true")]), now: now)) == .retryable
        )
        #expect(
            kind(FailureClassifier.classify(answer(503, headers: [("x-should-retry", "false")]), now: now))
                == .permanent
        )
    }

    @Test(arguments: [
        (TransportError.Code.timeout, Kind.retryable, "timeout"),
        (.connect, .retryable, "connection_error"),
        (.reset, .retryable, "connection_error"),
        (.other, .retryable, "connection_error"),
        (.malformed, .permanent, "invalid_request"),
    ])
    func classify_transportError(code: TransportError.Code, expected: Kind, failureCode: String) {
        let verdict = FailureClassifier.classify(TransportError(code, message: "boom"))
        #expect(kind(verdict) == expected)
        switch verdict {
        case .retryable(let failure, _), .permanent(let failure), .rateLimited(let failure, _):
            #expect(failure.code == failureCode)
        case .success:
            Issue.record("a transport error is never a success")
        }
    }
}
