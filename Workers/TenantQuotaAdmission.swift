package import Foundation
package import Jobs

/// The admission step that keeps every tenant inside its quotas (requests, tokens and US dollars per minute, day
/// and month; see `QuotaAccounting` for the rules).
///
/// Before the call it reserves, atomically with every other worker (`QuotaAccountant`'s lock):
/// - 1 request;
/// - the estimated tokens, `request.estimate.total` (prompt plus the requested or default maximum output);
/// - the estimated cost: those tokens at the model's standard price from the store's price table. A model without
///   a price reserves 0 dollars: its calls are recorded with an unknown cost (counted, never as zero), which dollar
///   quotas cannot see, so dollar quotas do not limit unpriced models.
///
/// When a quota has no room, the job is deferred (back to the queue without burning an attempt, code
/// `quota_exceeded`) until the breached window resets, re-checked sooner every `recheckInterval` (in-flight calls
/// may settle cheaper than reserved and leave room). Raising the limits through the admin API makes the waiting
/// jobs runnable at once. Near its deadline a job is re-checked at half the time left, so it waits as long as it
/// can; it fails with `quota_exceeded` only within its last `minimumDeferral` (the lane fails a deferral that
/// would end after the deadline).
///
/// After the call, `settle` releases the reservation and records what the provider billed, exactly as the store
/// prices the ledger row (billed: a 2xx or an answer carrying usage): 1 request, prompt plus completion tokens,
/// and the known cost. A tenant overspends only when calls cost more than their estimate (a prompt longer than
/// its 4-bytes-a-token estimate), by that difference.
///
/// Place it before the rate limiter (the pool runs `WorkerPool.Configuration.admission` first), so a deferred job
/// never holds rate capacity, and after the cache, so a cache hit (free) needs no quota.
///
/// ```swift
/// let quotas = QuotaAccountant(store: store)
/// let step = TenantQuotaAdmission(quotas: quotas, prices: store.configuration.prices)
/// let configuration = WorkerPool.Configuration(admission: { _ in [step] })
/// ```
package struct TenantQuotaAdmission: JobAdmission {
    /// Default longest deferral before a job over quota is checked again: 5 minutes.
    package static let defaultRecheckInterval: Duration = .seconds(300)
    /// Default shortest deferral: 1 s. Closer to its deadline than twice this, a job over quota fails.
    package static let defaultMinimumDeferral: Duration = .seconds(1)

    package let quotas: QuotaAccountant
    package let prices: PriceTable
    /// Longest a deferral lasts before the job is checked again (default 5 minutes).
    package let recheckInterval: Duration
    /// Shortest deferral (default 1 s).
    package let minimumDeferral: Duration

    package init(
        quotas: QuotaAccountant,
        prices: PriceTable,
        recheckInterval: Duration = Self.defaultRecheckInterval,
        minimumDeferral: Duration = Self.defaultMinimumDeferral
    ) {
        precondition(minimumDeferral > .zero && recheckInterval >= minimumDeferral, "invalid quota deferral bounds")
        self.quotas = quotas
        self.prices = prices
        self.recheckInterval = recheckInterval
        self.minimumDeferral = minimumDeferral
    }

    package func admit(_ request: AdmissionRequest) async throws -> AdmissionDecision {
        let now = Date()
        let amount = reservation(for: request)
        guard
            let breach = try await quotas.admit(
                tenant: request.job.tenant,
                ticket: request.ticket,
                amount: amount,
                now: now
            )
        else { return .admitted }
        return .deferred(
            until: deferral(until: breach.resetsAt, deadline: request.job.deadline, now: now),
            reason: JobFailure(code: Self.failureCode, message: breach.message)
        )
    }

    package func settle(_ request: AdmissionRequest, outcome: UpstreamOutcome) async {
        quotas.settle(request.ticket, charged: charge(for: request, outcome: outcome))
    }

    /// The failure code of a deferral (and of the job when its deadline comes first).
    package static let failureCode = "quota_exceeded"

    /// What the call reserves: 1 request, its estimated tokens, their cost at the model's standard price (0 when
    /// the price is unknown).
    package func reservation(for request: AdmissionRequest) -> QuotaAmount {
        let estimate = request.estimate
        let usage = TokenUsage(promptTokens: estimate.promptTokens, completionTokens: estimate.maxOutputTokens)
        let micros = prices.price(provider: request.job.provider, model: request.job.model)?.cost(of: usage) ?? 0
        return QuotaAmount(requests: 1, tokens: Int64(estimate.total), micros: micros)
    }

    /// What the attempt counts once over: what the ledger bills for it (see `StoreWrites.isBilled`), else nothing.
    package func charge(for request: AdmissionRequest, outcome: UpstreamOutcome) -> QuotaAmount {
        guard case .answered(let answer, _) = outcome else { return .zero }
        let response = answer.response
        guard response.usage != nil || (200..<300).contains(response.statusCode) else { return .zero }
        guard let usage = response.usage else { return QuotaAmount(requests: 1) }
        let micros = prices.price(provider: request.job.provider, model: request.job.model)?.cost(of: usage) ?? 0
        return QuotaAmount(
            requests: 1,
            tokens: Int64(max(0, usage.promptTokens) + max(0, usage.completionTokens)),
            micros: micros
        )
    }

    /// When a job over quota runs again: at the reset, or at the next re-check if sooner; and before its deadline,
    /// at half the time left, until less than twice `minimumDeferral` is left (then the reset itself, which the
    /// lane turns into a failure).
    package func deferral(until reset: Date, deadline: Date?, now: Date) -> Date {
        var until = min(reset, now + recheckInterval)
        until = max(until, now + minimumDeferral)
        guard let deadline, until >= deadline else { return until }
        let left = deadline.timeIntervalSince(now)
        guard left >= 2 * minimumDeferral.timeInterval else { return reset }
        return now.addingTimeInterval(left / 2)
    }
}
