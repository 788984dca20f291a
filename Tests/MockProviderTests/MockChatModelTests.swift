import Foundation
import Testing

@testable import MockProvider

@Suite struct MockChatModelTests {
    private func request(_ json: String) throws -> ChatCompletionRequest {
        try JSONDecoder().decode(ChatCompletionRequest.self, from: Data(json.utf8))
    }

    @Test func complete_quotesFirstSixtyCharactersOfLastUserMessage() throws {
        let long = String(repeating: "a", count: 100)
        let completion = try MockChatModel.complete(
            request(
                #"{"model":"m","messages":[{"role":"user","content":"first"},{"role":"assistant","content":"x"},"#
                    + #"{"role":"user","content":"\#(long)"}]}"#
            )
        )
        let content = completion.choices[0].content
        #expect(content.hasSuffix("to: " + String(repeating: "a", count: 60)))
        #expect(completion.choices[0].finishReason == "stop")
    }

    @Test func complete_isDeterministic_andSensitiveToEveryMessage() throws {
        let a = try MockChatModel.complete(request(#"{"model":"m","messages":[{"role":"user","content":"q"}]}"#))
        let b = try MockChatModel.complete(request(#"{"model":"m","messages":[{"role":"user","content":"q"}]}"#))
        let c = try MockChatModel.complete(
            request(#"{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"q"}]}"#)
        )
        #expect(a == b)
        #expect(a.choices[0].content != c.choices[0].content)
    }

    @Test func complete_withoutUserText_stillAnswers() throws {
        let completion = try MockChatModel.complete(
            request(#"{"model":"m","messages":[{"role":"system","content":null}]}"#)
        )
        #expect(completion.choices[0].content.hasPrefix("Mock answer "))
        #expect(completion.usage.promptTokens == TokenEstimate.perMessage + TokenEstimate.replyPriming)
    }

    @Test func complete_maxTokensOne_truncatesToOneToken() throws {
        let completion = try MockChatModel.complete(
            request(#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hello"}]}"#)
        )
        #expect(completion.choices[0].content == "Mock")
        #expect(completion.choices[0].finishReason == "length")
        #expect(completion.usage.completionTokens == 1)
    }

    @Test func complete_maxCompletionTokensWinsOverMaxTokens() throws {
        let completion = try MockChatModel.complete(
            request(
                #"{"model":"m","max_tokens":1,"max_completion_tokens":1000,"#
                    + #""messages":[{"role":"user","content":"hi"}]}"#
            )
        )
        #expect(completion.choices[0].finishReason == "stop")
    }

    @Test func complete_truncation_neverSplitsACharacter() throws {
        let completion = try MockChatModel.complete(
            request(#"{"model":"m","max_tokens":6,"messages":[{"role":"user","content":"éééééééééééé"}]}"#)
        )
        let content = completion.choices[0].content
        #expect(content.utf8.count <= 24)
        #expect(TokenEstimate.tokens(in: content) <= 6)
        #expect(String(decoding: Array(content.utf8), as: UTF8.self) == content)
    }

    @Test func complete_imagePartsCostFlatTokens() throws {
        let completion = try MockChatModel.complete(
            request(
                #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"abcd"},"#
                    + #"{"type":"image_url","image_url":{"url":"data:,"}}]}]}"#
            )
        )
        #expect(
            completion.usage.promptTokens == 1 + TokenEstimate.perImagePart + TokenEstimate.perMessage
                + TokenEstimate.replyPriming
        )
    }

    @Test(arguments: [
        (#"{"messages":[{"role":"user","content":"q"}]}"#, "model"),
        (#"{"model":"","messages":[{"role":"user","content":"q"}]}"#, "model"),
        (#"{"model":"m"}"#, "messages"),
        (#"{"model":"m","messages":[]}"#, "messages"),
        (#"{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"q"}]}"#, "max_tokens"),
        (#"{"model":"m","n":0,"messages":[{"role":"user","content":"q"}]}"#, "n"),
    ])
    func complete_invalidRequest_throws400NamingParameter(json: String, param: String) throws {
        let error = try #require(throws: OpenAIErrorReply.self) { try MockChatModel.complete(request(json)) }
        #expect(error.statusCode == 400)
        #expect(error.type == "invalid_request_error")
        #expect(error.param == param)
    }

    @Test func complete_modelOutsideConfiguredSet_throws404() throws {
        let error = try #require(throws: OpenAIErrorReply.self) {
            try MockChatModel.complete(
                request(#"{"model":"x","messages":[{"role":"user","content":"q"}]}"#),
                models: ["m"]
            )
        }
        #expect(error.statusCode == 404)
        #expect(error.code == "model_not_found")
    }

    @Test func decodingError_wrongType_namesParameterPath() throws {
        do {
            _ = try request(#"{"model":"m","messages":[{"role":"user","content":5}]}"#)
            Issue.record("decoding should fail")
        } catch let error as DecodingError {
            let reply = OpenAIErrorReply(decodingError: error)
            #expect(reply.param?.hasPrefix("messages[0].content") == true)
        }
    }

    @Test func decodingError_notJSON_isMalformedJSON() throws {
        do {
            _ = try request("{nope")
            Issue.record("decoding should fail")
        } catch let error as DecodingError {
            #expect(OpenAIErrorReply(decodingError: error) == .malformedJSON)
        }
    }
}
