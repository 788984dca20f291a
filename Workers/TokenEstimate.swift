package import Foundation
package import Jobs

/// How many tokens a call will cost, guessed before it is sent, so rate limits and quotas can reserve them.
///
/// - Prompt: OpenAI's rule of thumb, about four UTF-8 bytes per token: for chat, `ceil(bytes / 4)` of every
///   string content plus 4 tokens per message and 3 to prime the reply (non-string content counts its JSON
///   bytes); for embeddings, the input strings; when the body cannot be read, the whole body's bytes / 4.
/// - Output: `max_completion_tokens` or `max_tokens`, times `n`; when the request names none, the configured
///   default (`WorkerPool.Configuration.defaultMaxTokens`, 1,024). Embeddings produce no output tokens.
///
/// After the call, `providerCharge(for:)` says what the provider counted, to settle the reservation.
///
/// ```swift
/// let estimate = TokenEstimate(job: job, defaultMaxTokens: 1024)
/// limiter.reserve(tokens: estimate.total)
/// ```
package struct TokenEstimate: Sendable, Equatable {
    /// Estimated prompt (input) tokens.
    package var promptTokens: Int
    /// Output tokens reserved: the requested maximum, or the default when none was requested.
    package var maxOutputTokens: Int
    /// Whether `maxOutputTokens` was requested by the job (and so is counted by providers that charge it).
    package var outputLimitRequested: Bool

    package init(promptTokens: Int, maxOutputTokens: Int, outputLimitRequested: Bool) {
        self.promptTokens = promptTokens
        self.maxOutputTokens = maxOutputTokens
        self.outputLimitRequested = outputLimitRequested
    }

    /// Tokens to reserve: prompt plus output.
    package var total: Int { promptTokens + maxOutputTokens }

    /// Estimates the job's tokens from its body.
    /// - Parameters:
    ///   - job: the claimed job (endpoint and body).
    ///   - defaultMaxTokens: output tokens to reserve when the request names no maximum.
    package init(job: ClaimedJob, defaultMaxTokens: Int) {
        self.init(endpoint: job.endpoint, body: job.body, defaultMaxTokens: defaultMaxTokens)
    }

    /// Estimates the tokens of a request body sent to `endpoint`.
    package init(endpoint: String, body: Data, defaultMaxTokens: Int) {
        let isEmbedding = endpoint.hasSuffix("/embeddings")
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            self.init(
                promptTokens: Self.tokens(bytes: body.count),
                maxOutputTokens: isEmbedding ? 0 : defaultMaxTokens,
                outputLimitRequested: false
            )
            return
        }
        if isEmbedding {
            self.init(promptTokens: Self.inputTokens(object["input"]), maxOutputTokens: 0, outputLimitRequested: false)
            return
        }
        let prompt: Int
        if let messages = object["messages"] as? [Any] {
            prompt = messages.reduce(3) { sum, message in sum + 4 + Self.messageTokens(message) }
        } else if let text = object["prompt"] {
            prompt = Self.inputTokens(text)
        } else {
            prompt = Self.tokens(bytes: body.count)
        }
        let choices = max(1, (object["n"] as? NSNumber)?.intValue ?? 1)
        let requested = ((object["max_completion_tokens"] ?? object["max_tokens"]) as? NSNumber)?.intValue
        if let requested, requested >= 0 {
            self.init(promptTokens: prompt, maxOutputTokens: requested * choices, outputLimitRequested: true)
        } else {
            self.init(promptTokens: prompt, maxOutputTokens: defaultMaxTokens * choices, outputLimitRequested: false)
        }
    }

    /// What the provider counted against its token limit for this call, given the usage it reported.
    ///
    /// OpenAI counts a requested `max_tokens` in full when the request arrives ("the maximum of `max_tokens` and
    /// the estimated number of tokens"), so a requested maximum stays charged; our default reservation is only
    /// our guess, and is settled to the real completion. The prompt is always settled to the real count.
    package func providerCharge(for usage: TokenUsage) -> Int {
        let output = outputLimitRequested ? max(usage.completionTokens, maxOutputTokens) : usage.completionTokens
        return usage.promptTokens + output
    }

    // MARK: Counting

    /// `ceil(bytes / 4)`.
    static func tokens(bytes: Int) -> Int { (bytes + 3) / 4 }

    private static func messageTokens(_ message: Any) -> Int {
        guard let message = message as? [String: Any] else { return jsonTokens(message) }
        var tokens = 0
        for (key, value) in message where key != "role" {
            if let text = value as? String {
                tokens += Self.tokens(bytes: text.utf8.count)
            } else if !(value is NSNull) {
                tokens += jsonTokens(value)
            }
        }
        return tokens
    }

    private static func inputTokens(_ input: Any?) -> Int {
        switch input {
        case let text as String: return tokens(bytes: text.utf8.count)
        case let texts as [Any]: return texts.reduce(0) { $0 + inputTokens($1) }
        case is NSNumber: return 1  // a token id
        case nil: return 0
        default: return jsonTokens(input as Any)
        }
    }

    private static func jsonTokens(_ value: Any) -> Int {
        guard JSONSerialization.isValidJSONObject([value]),
            let data = try? JSONSerialization.data(withJSONObject: [value])
        else { return 1 }
        return tokens(bytes: max(0, data.count - 2))
    }
}
