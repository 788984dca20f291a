public import Foundation
public import Jobs

/// Everything the HTTP API can be tuned with. Every limit has a documented default.
package struct APIConfiguration: Sendable {
    /// Default largest request body: 100 MiB (OpenAI allows 200 MB input files; 50,000 chat lines fit well below).
    package static let defaultMaxBodyBytes = 100 * 1024 * 1024
    /// Default largest `POST /v1/files` upload (the whole multipart body): 512 MiB (OpenAI allows 200 MB files).
    package static let defaultMaxFileBytes = 512 * 1024 * 1024
    /// Default cap on `?wait=` long-polls: 60 s.
    package static let defaultMaxWaitSeconds = 60
    /// Default completion window of a batch: OpenAI's only value, `24h`.
    package static let defaultCompletionWindow = "24h"
    /// Default upstream attempts per job: 5.
    package static let defaultMaxAttempts = 5
    /// Default most requests in one batch: 50,000 (OpenAI's limit).
    package static let defaultMaxBatchRequests = 50_000
    /// Default number of result lines read from the store per page of a results stream: 1,000.
    package static let defaultResultsPageSize = 1_000

    /// Largest request body accepted; larger bodies get 413 (checked from `Content-Length` and while collecting).
    package var maxBodyBytes: Int
    /// Largest `POST /v1/files` body (streamed to disk, never collected); larger uploads get 413. Other routes keep
    /// ``maxBodyBytes``.
    package var maxFileBytes: Int
    /// Longest `GET /v1/jobs/{id}?wait=` honoured, in seconds; larger waits are capped to it.
    package var maxWaitSeconds: Int
    /// Completion window of a batch (and deadline of a job) when the request names none.
    package var defaultCompletionWindow: String
    /// Upstream attempts of a job when the line names none (`max_attempts`).
    package var defaultMaxAttempts: Int
    /// Most requests in one batch.
    package var maxBatchRequests: Int
    /// Result lines read per store page while streaming `GET /v1/batches/{id}/results`.
    package var resultsPageSize: Int
    /// SHA-256 of the admin key. The admin key authenticates as tenant `default` with admin rights.
    package var adminKeyHash: Data
    /// The configured providers; `model` values are routed with `ModelRouter` over them.
    package var providers: [ProviderConfiguration]
    /// Checks webhook URLs at registration (SSRF); the app sets `OutboundURLPolicy`'s check. See `WebhookURLCheck`.
    package var webhookURLCheck: WebhookURLCheck = WebhookURLChecks.formOnly

    package init(
        adminKeyHash: Data,
        providers: [ProviderConfiguration],
        maxBodyBytes: Int = APIConfiguration.defaultMaxBodyBytes,
        maxWaitSeconds: Int = APIConfiguration.defaultMaxWaitSeconds,
        defaultCompletionWindow: String = APIConfiguration.defaultCompletionWindow,
        defaultMaxAttempts: Int = APIConfiguration.defaultMaxAttempts,
        maxBatchRequests: Int = APIConfiguration.defaultMaxBatchRequests,
        resultsPageSize: Int = APIConfiguration.defaultResultsPageSize,
        maxFileBytes: Int = APIConfiguration.defaultMaxFileBytes
    ) {
        precondition(maxFileBytes > 0, "maxFileBytes must be positive")
        precondition(adminKeyHash.count == 32, "adminKeyHash must be a SHA-256 digest")
        precondition(maxBodyBytes > 0 && maxWaitSeconds >= 0 && defaultMaxAttempts > 0)
        precondition(maxBatchRequests > 0 && resultsPageSize > 0)
        precondition(CompletionWindow(defaultCompletionWindow) != nil, "invalid default completion window")
        self.adminKeyHash = adminKeyHash
        self.providers = providers
        self.maxBodyBytes = maxBodyBytes
        self.maxFileBytes = maxFileBytes
        self.maxWaitSeconds = maxWaitSeconds
        self.defaultCompletionWindow = defaultCompletionWindow
        self.defaultMaxAttempts = defaultMaxAttempts
        self.maxBatchRequests = maxBatchRequests
        self.resultsPageSize = resultsPageSize
    }
}
