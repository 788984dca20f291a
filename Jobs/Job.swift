package import struct Foundation.Data
package import struct Foundation.Date

/// A stored job, as read back for the API.
package struct Job: Sendable {
    package var id: JobID
    package var tenant: String
    package var batchID: BatchID?
    package var customID: String?
    package var provider: String
    package var model: String
    package var endpoint: String
    package var body: Data
    package var priority: Int
    package var metadata: Data?
    package var state: JobState
    /// Upstream attempts started so far (claims that were handed back without an answer are not counted).
    package var attempt: Int
    package var maxAttempts: Int
    package var runAt: Date
    package var deadline: Date?
    package var cancelRequested: Bool
    package var createdAt: Date
    package var startedAt: Date?
    package var finishedAt: Date?
    /// The upstream answer, when there was one (success, or a provider error that made the job fail).
    package var response: JobResponse?
    /// Why the job failed, was cancelled or expired, when it did not end with a 2xx.
    package var error: JobFailure?
    /// What the job's billed answers cost, over all its attempts (see the cost ledger).
    package var cost: CostSummary
}

/// An upstream HTTP answer kept with the job: status, the provider's request id, and the body bytes.
package struct JobResponse: Sendable, Equatable {
    package var statusCode: Int
    package var requestID: String?
    package var body: Data
    /// Token usage parsed from the answer, when the provider reported it.
    package var usage: TokenUsage?

    package init(statusCode: Int, requestID: String?, body: Data, usage: TokenUsage?) {
        self.statusCode = statusCode
        self.requestID = requestID
        self.body = body
        self.usage = usage
    }
}

/// Token counts of one upstream answer.
package struct TokenUsage: Sendable, Equatable, Codable {
    package var promptTokens: Int
    package var completionTokens: Int
    package var cachedTokens: Int

    package init(promptTokens: Int, completionTokens: Int, cachedTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
    }

    package var totalTokens: Int { promptTokens + completionTokens }
}

/// A non-HTTP reason a job ended without a 2xx (OpenAI's batch output `error` object): a code and a message.
/// The message never contains prompt or response text.
package struct JobFailure: Sendable, Equatable {
    package var code: String
    package var message: String

    package init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
