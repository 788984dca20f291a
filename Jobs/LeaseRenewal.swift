/// What one batched lease renewal (`JobStore.renewLeases`) found.
package struct LeaseRenewal: Sendable, Equatable {
    /// Jobs among the renewed leases whose cancellation was requested (by a client or by their deadline).
    package var cancelRequested: Set<JobID>
    /// Leases that were not renewed because the job no longer runs under them: taken back by a rescue (and perhaps
    /// claimed again under a new token), or already final. A call still running under one of them can only have
    /// its answer dropped.
    package var lost: Set<JobLease>

    package init(cancelRequested: Set<JobID>, lost: Set<JobLease>) {
        self.cancelRequested = cancelRequested
        self.lost = lost
    }
}
