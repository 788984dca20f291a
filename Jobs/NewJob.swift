package import struct Foundation.Data
package import struct Foundation.Date

/// A job as submitted, validated by the API and routed to a provider, before it is stored.
package struct NewJob: Sendable {
    /// The caller's id for the line; unique within a batch (the API checks, the schema enforces).
    package var customID: String?
    /// The provider lane that will run it (a configured provider name, e.g. `mock`).
    package var provider: String
    /// The model name as the provider knows it (without any `provider/` prefix).
    package var model: String
    /// The endpoint path, `/v1/chat/completions` or `/v1/embeddings`.
    package var endpoint: String
    /// The request body to send upstream, as JSON bytes (already rewritten to the provider's model name).
    package var body: Data
    /// Higher runs first; FIFO within a priority.
    package var priority: Int
    /// The caller's metadata object as JSON bytes, returned unchanged.
    package var metadata: Data?
    /// How many upstream attempts at most (rate-limit pauses and shutdown hand-backs do not count).
    package var maxAttempts: Int
    /// When the job must be final; past it, maintenance moves it to `expired`.
    package var deadline: Date?
    /// When the job may first run; nil means at once (the insert time).
    package var runAt: Date?
    /// How the job uses the response cache (the line's `"cache"`; default `.auto`).
    package var cache: CacheMode
    /// The job's own one-off webhook URL (`"webhook_url"` on `POST /v1/jobs`): its `job.completed` or `job.failed`
    /// event is delivered there, signed with the tenant's one-off secret. Checked against SSRF by the API.
    package var webhookURL: String? = nil

    package init(
        customID: String?,
        provider: String,
        model: String,
        endpoint: String,
        body: Data,
        priority: Int = 0,
        metadata: Data? = nil,
        maxAttempts: Int = 5,
        deadline: Date? = nil,
        runAt: Date? = nil,
        cache: CacheMode = .auto
    ) {
        self.customID = customID
        self.provider = provider
        self.model = model
        self.endpoint = endpoint
        self.body = body
        self.priority = priority
        self.metadata = metadata
        self.maxAttempts = maxAttempts
        self.deadline = deadline
        self.runAt = runAt
        self.cache = cache
    }
}

/// A batch as submitted: its jobs are inserted with it, in the same transaction.
package struct NewBatch: Sendable {
    package var endpoint: String
    package var completionWindow: String
    package var metadata: Data?
    /// When the batch's jobs must be final (creation + completion window).
    package var expiresAt: Date
    package var jobs: [NewJob]

    package init(endpoint: String, completionWindow: String, metadata: Data?, expiresAt: Date, jobs: [NewJob]) {
        self.endpoint = endpoint
        self.completionWindow = completionWindow
        self.metadata = metadata
        self.expiresAt = expiresAt
        self.jobs = jobs
    }
}
