import Foundation
import Jobs
import Testing

@testable import Workers

@Suite struct TokenEstimateTests {
    private func estimate(_ body: String, endpoint: String = "/v1/chat/completions") -> TokenEstimate {
        TokenEstimate(endpoint: endpoint, body: Data(body.utf8), defaultMaxTokens: 1024)
    }

    @Test func init_forChat_countsContentPerMessageAndTheReplyPriming() {
        // "Summarise document 1" is 20 bytes → 5 tokens; + 4 per message + 3 priming (the mock's own count).
        let chat = estimate(#"{"model":"m","messages":[{"role":"user","content":"Summarise document 1"}]}"#)
        #expect(chat.promptTokens == 12)
        #expect(chat.maxOutputTokens == 1024)
        #expect(!chat.outputLimitRequested)
        #expect(chat.total == 1036)
    }

    @Test func init_withMaxTokensAndN_reservesTheirProduct() {
        let chat = estimate(#"{"model":"m","max_tokens":50,"n":3,"messages":[{"role":"user","content":"hi"}]}"#)
        #expect(chat.maxOutputTokens == 150)
        #expect(chat.outputLimitRequested)
        let newer = estimate(#"{"model":"m","max_completion_tokens":20,"max_tokens":50,"messages":[]}"#)
        #expect(newer.maxOutputTokens == 20)
        #expect(newer.promptTokens == 3)
    }

    @Test func init_forEmbeddings_countsTheInputsAndNoOutput() {
        let one = estimate(#"{"model":"e","input":"12345678"}"#, endpoint: "/v1/embeddings")
        #expect(one.promptTokens == 2)
        #expect(one.maxOutputTokens == 0)
        let many = estimate(#"{"model":"e","input":["1234","12345"]}"#, endpoint: "/v1/embeddings")
        #expect(many.promptTokens == 3)
    }

    @Test func init_whenBodyIsNotJSON_countsItsBytes() {
        let garbage = estimate("not json at all!")
        #expect(garbage.promptTokens == 4)
        #expect(garbage.maxOutputTokens == 1024)
    }

    @Test func providerCharge_keepsARequestedMaximum_butSettlesTheDefaultToTheRealCompletion() {
        let requested = TokenEstimate(promptTokens: 20, maxOutputTokens: 100, outputLimitRequested: true)
        #expect(requested.providerCharge(for: TokenUsage(promptTokens: 12, completionTokens: 30)) == 112)
        let defaulted = TokenEstimate(promptTokens: 20, maxOutputTokens: 1024, outputLimitRequested: false)
        #expect(defaulted.providerCharge(for: TokenUsage(promptTokens: 12, completionTokens: 30)) == 42)
    }
}
