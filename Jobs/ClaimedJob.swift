package import struct Foundation.Data
package import struct Foundation.Date

/// Proof that the holder owns a running job: the job id and the lease token the claim set.
/// Every transition out of `running` presents it; a stale lease changes nothing.
package struct JobLease: Sendable, Hashable {
    package var jobID: JobID
    package var token: Int64

    package init(jobID: JobID, token: Int64) {
        self.jobID = jobID
        self.token = token
    }
}

/// A job handed to a lane by `JobStore.claim`: what the worker needs to call the provider.
package struct ClaimedJob: Sendable {
    package var lease: JobLease
    package var tenant: String
    package var batchID: BatchID?
    package var customID: String?
    package var provider: String
    package var model: String
    package var endpoint: String
    package var body: Data
    package var priority: Int
    /// The attempt this claim starts (1 for the first call).
    package var attempt: Int
    package var maxAttempts: Int
    package var deadline: Date?
    /// How the job uses the response cache.
    package var cache: CacheMode = .auto
    /// When the job was submitted; nil when not known.
    package var createdAt: Date?
    /// When the job was first claimed (this claim, for a first attempt); `firstStartedAt - createdAt` is its queue
    /// wait. Nil when not known.
    package var firstStartedAt: Date?

    package var id: JobID { lease.jobID }
}
