import Foundation
import Jobs
package import Logging
import Synchronization

/// A lane's provider rate limits as an admission step: `LaneRateLimits` behind a lock, plus the waiting.
///
/// Waiting never polls: a call that cannot go computes how long until its bucket has room and sleeps that long,
/// or until woken by a settlement that gave capacity back. Calls for one model are admitted in arrival order
/// (only the head of a model's queue reserves), so a large call is not starved by small ones behind it.
///
/// A wait longer than `maxWait`, or one that would end past the job's deadline, is not waited out inside the
/// lane: the job is deferred (handed back to run at that time without burning an attempt; failed when that is
/// past its deadline).
///
/// ```swift
/// let limiter = ProviderRateLimiter(settings: .init(rpm: 600, tpm: 200_000, maxConcurrency: 64))
/// switch try await limiter.admit(AdmissionRequest(job: job, estimate: estimate)) { … }
/// await limiter.settle(request, outcome: .answered(answer, verdict))
/// ```
package final class ProviderRateLimiter: JobAdmission {
    /// Default longest wait inside the lane before a job is handed back instead: 30 s.
    package static let defaultMaxWait: Duration = .seconds(30)

    private struct Waiter {
        var id: Int
        var wake: AsyncEvent
    }

    private struct State {
        var limits: LaneRateLimits
        var queues: [String: [Waiter]] = [:]
        var nextWaiterID = 0
        var reservations: [JobLease: LaneRateLimits.Reservation] = [:]
        /// A moving average of the token estimates, for the claim allowance.
        var averageTokens: Double?
    }

    private let state: Mutex<State>
    private let maxWait: Duration
    private let logger: Logger
    private let onCapacity: @Sendable () -> Void
    private let onPause: @Sendable () -> Void

    /// - Parameters:
    ///   - settings: the lane's limits and tunables.
    ///   - maxWait: the longest a job waits inside the lane before it is deferred (default 30 s).
    ///   - logger: logs pauses after a 429.
    ///   - onCapacity: called (outside the lock) whenever capacity may have come back, so the lane's claim loop
    ///     can look again.
    ///   - onPause: called when a 429 starts a pause of the lane (metrics).
    package init(
        settings: LaneRateLimits.Settings,
        maxWait: Duration = ProviderRateLimiter.defaultMaxWait,
        logger: Logger = Logger(label: "sluice.rate-limiter"),
        onCapacity: @escaping @Sendable () -> Void = {},
        onPause: @escaping @Sendable () -> Void = {}
    ) {
        state = Mutex(State(limits: LaneRateLimits(settings: settings, now: .now)))
        self.maxWait = maxWait
        self.logger = logger
        self.onCapacity = onCapacity
        self.onPause = onPause
    }

    /// A copy of the state machine, for tests and metrics.
    package var limits: LaneRateLimits { state.withLock { $0.limits } }

    /// How many jobs the lane may claim now (at most `freeSlots`), given `waiting` claimed jobs not admitted yet,
    /// and when to look again when none.
    package func claimAllowance(freeSlots: Int, waiting: Int) -> (count: Int, retryAfter: Duration?) {
        let now = ContinuousClock.now
        let allowance = state.withLock { state in
            state.limits.claimAllowance(
                tokensPerCall: Int(state.averageTokens ?? 1),
                waiting: waiting,
                now: now
            )
        }
        return (min(freeSlots, allowance.count), allowance.retryAfter)
    }

    // MARK: JobAdmission

    package func admit(_ request: AdmissionRequest) async throws -> AdmissionDecision {
        let model = request.job.model
        let tokens = request.estimate.total
        let waiter = state.withLock { state -> Waiter in
            let waiter = Waiter(id: state.nextWaiterID, wake: AsyncEvent(.autoReset))
            state.nextWaiterID += 1
            state.queues[model, default: []].append(waiter)
            let average = state.averageTokens ?? Double(tokens)
            state.averageTokens = average + (Double(tokens) - average) / 16
            return waiter
        }
        while true {
            if Task.isCancelled {
                leave(waiter, model: model)
                throw CancellationError()
            }
            let now = ContinuousClock.now
            enum Step {
                case admitted
                case wait(Duration?)
            }
            let step = state.withLock { state -> Step in
                guard state.queues[model]?.first?.id == waiter.id else { return .wait(nil) }
                switch state.limits.admit(model: model, tokens: tokens, now: now) {
                case .admitted(let reservation):
                    state.reservations[request.ticket] = reservation
                    return .admitted
                case .wait(let duration):
                    return .wait(duration)
                case .waitForSettlement:
                    return .wait(nil)
                }
            }
            switch step {
            case .admitted:
                leave(waiter, model: model)
                return .admitted
            case .wait(let duration?):
                let until = Date() + duration
                if duration > maxWait || request.job.deadline.map({ until >= $0 }) == true {
                    leave(waiter, model: model)
                    return .deferred(
                        until: until,
                        reason: JobFailure(
                            code: FailureClassifier.FailureCode.rateLimited,
                            message: "the provider's rate limit leaves no room before \(duration) from now"
                        )
                    )
                }
                await waiter.wake.wait(timeout: duration)
            case .wait(nil):
                await waiter.wake.wait()
            }
        }
    }

    package func settle(_ request: AdmissionRequest, outcome: UpstreamOutcome) async {
        let now = ContinuousClock.now
        let limiterOutcome: LaneRateLimits.Outcome
        switch outcome {
        case .notSent:
            limiterOutcome = .notSent
        case .answered(let answer, _):
            limiterOutcome = LaneRateLimits.Outcome(
                sent: true,
                status: answer.response.statusCode,
                headers: RateLimitHeaders.parse(answer.headers, now: Date()),
                chargedTokens: answer.response.usage.map(request.estimate.providerCharge(for:))
            )
        case .failed, .aborted:
            limiterOutcome = LaneRateLimits.Outcome(sent: true)
        }
        let (heads, pause) = state.withLock { state -> ([AsyncEvent], Duration?) in
            guard let reservation = state.reservations.removeValue(forKey: request.ticket) else { return ([], nil) }
            let pause = state.limits.settle(reservation, outcome: limiterOutcome, now: now)
            return (state.queues.values.compactMap { $0.first?.wake }, pause)
        }
        if let pause {
            onPause()
            logger.notice(
                "provider rate limited the lane; pausing",
                metadata: ["pause_ms": "\(pause.nanoseconds / 1_000_000)", "model": "\(request.job.model)"]
            )
        }
        for head in heads { head.set() }
        onCapacity()
    }

    /// Takes the waiter out of its queue and wakes the next one.
    private func leave(_ waiter: Waiter, model: String) {
        let next = state.withLock { state -> AsyncEvent? in
            state.queues[model]?.removeAll { $0.id == waiter.id }
            if state.queues[model]?.isEmpty == true { state.queues[model] = nil }
            return state.queues[model]?.first?.wake
        }
        next?.set()
    }
}
