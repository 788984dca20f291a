package import Jobs

package import struct Foundation.Date

/// One step a claimed job passes before its upstream call, and settles after it: the seam where provider rate
/// limits, tenant quotas and the cache plug into a lane.
///
/// A lane runs its steps in order for every attempt (`WorkerPool.Configuration.admission` first, the lane's
/// `ProviderRateLimiter` last), then makes the call, then settles every step that admitted, in reverse order.
/// The contract:
/// - `admit` may suspend (waiting for capacity); it must end promptly with `CancellationError` when its task is
///   cancelled (the job was cancelled or the lane shuts down).
/// - Every `admit` that returned `.admitted` gets exactly one `settle` for the same `AdmissionRequest`, with
///   `.notSent` when a later step declined or the call was never made. A step that did not admit (it declined
///   or threw) is not settled: it must give back whatever it reserved before returning.
/// - Steps key their reservations by `request.ticket` (the claim's lease: unique per attempt).
///
/// ```swift
/// struct TenantQuota: JobAdmission {
///     func admit(_ request: AdmissionRequest) async throws -> AdmissionDecision {
///         guard try await ledger.reserve(request.job.tenant, tokens: request.estimate.total, for: request.ticket)
///         else { return .deferred(until: windowEnd, JobFailure(code: "quota_exceeded", message: "…")) }
///         return .admitted
///     }
///     func settle(_ request: AdmissionRequest, outcome: UpstreamOutcome) async {
///         await ledger.settle(request.ticket, usage: outcome.usage)
///     }
/// }
/// let configuration = WorkerPool.Configuration(admission: { provider in [TenantQuota(…)] })
/// ```
package protocol JobAdmission: Sendable {
    /// Decides whether the attempt may call the provider now, waiting for capacity if it has to.
    func admit(_ request: AdmissionRequest) async throws -> AdmissionDecision

    /// Settles what `admit` reserved, once the attempt is over.
    func settle(_ request: AdmissionRequest, outcome: UpstreamOutcome) async
}

/// One attempt of a claimed job asking to be admitted.
package struct AdmissionRequest: Sendable {
    /// The claimed job (tenant, provider, model, body, deadline).
    package var job: ClaimedJob
    /// The tokens the call is expected to cost.
    package var estimate: TokenEstimate

    package init(job: ClaimedJob, estimate: TokenEstimate) {
        self.job = job
        self.estimate = estimate
    }

    /// Identifies this attempt: the claim's lease (job id and a token fresh for every claim).
    package var ticket: JobLease { job.lease }
}

/// What an admission step decided.
package enum AdmissionDecision: Sendable {
    /// Go ahead (to the next step, then the call).
    case admitted
    /// Not now: the job goes back to the queue to run again at `until`, without burning an attempt (a quota
    /// window, a long rate-limit pause). When `until` is past the job's deadline, the job fails with `reason`.
    case deferred(until: Date, reason: JobFailure)
    /// Never: the job fails now with `reason`.
    case rejected(JobFailure)
    /// Answered without calling the provider (a cache hit): the job succeeds with this response.
    case answered(JobResponse)
}

/// How an admitted attempt ended, as the steps settle it.
package enum UpstreamOutcome: Sendable {
    /// The call was not made: a later step declined, the job was cancelled first, or no request could be built.
    case notSent
    /// The provider answered (any status); the classifier's verdict is attached.
    case answered(ProviderAnswer, Verdict)
    /// The call was made but produced no answer (timeout, reset, refused connection).
    case failed(TransportError)
    /// The call was aborted (job cancelled, shutdown) before an answer came.
    case aborted

    /// The usage the provider reported, if it answered with one.
    package var usage: TokenUsage? {
        if case .answered(let answer, _) = self { return answer.response.usage }
        return nil
    }

    /// Whether the request went out to the provider.
    package var wasSent: Bool {
        if case .notSent = self { return false }
        return true
    }
}
