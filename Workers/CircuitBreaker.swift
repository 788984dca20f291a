package import Jobs

/// A lane's circuit breaker as a pure state machine: stops claiming while the provider keeps failing, so queued
/// jobs wait (no attempt burned) instead of each spending attempts against a provider that is down.
///
/// - **Closed** (normal): every call goes. `failureThreshold` consecutive *faults* open it (a lane uses at least a
///   quarter of its concurrency: see `Configuration.scaled(forConcurrency:)`).
/// - **Open**: the lane claims nothing until `coolDown` has passed since it opened.
/// - **Half-open**: the lane claims one job (the probe). A probe that succeeds closes the breaker, a fault opens
///   it again for another `coolDown`; a probe that ends without an answer (not sent, aborted) lets the next one go.
///
/// What counts (see `Observation`): a fault is the provider's failure — a 5xx (including 529), a timeout or a
/// connection error. A 429 is the rate limiter's business and is neutral; any other answer (2xx, 4xx) is a success:
/// the provider is up. Answers to calls sent before the breaker opened are still counted (they are evidence too).
///
/// ```swift
/// var breaker = CircuitBreaker(configuration: .init(), now: .now)
/// switch breaker.permit(now: .now) {
/// case .any: claim(limit)
/// case .one: if let job = claim(1) { breaker.probeStarted(job.lease) }
/// case .none(let retryAfter): wait(retryAfter)
/// }
/// breaker.record(.fault, of: lease, now: .now)
/// ```
package struct CircuitBreaker: Sendable, Equatable {
    /// Thresholds; the defaults keep a lane with 20 % random 5xx closed (10 faults in a row: p = 1e-7).
    package struct Configuration: Sendable, Equatable {
        /// Default consecutive faults that open the breaker: 10.
        package static let defaultFailureThreshold = 10
        /// Default time an open breaker waits before letting a probe through: 5 s.
        package static let defaultCoolDown: Duration = .seconds(5)

        /// Consecutive faults that open the breaker.
        package var failureThreshold: Int
        /// How long the breaker stays open before the half-open probe.
        package var coolDown: Duration

        package init(
            failureThreshold: Int = Configuration.defaultFailureThreshold,
            coolDown: Duration = Configuration.defaultCoolDown
        ) {
            precondition(failureThreshold > 0, "failureThreshold must be positive")
            precondition(coolDown >= .zero, "coolDown must not be negative")
            self.failureThreshold = failureThreshold
            self.coolDown = coolDown
        }

        /// The configuration for a lane running up to `maxConcurrency` calls: at least a quarter of them must fault
        /// in a row. Many calls in flight fail together after one slow moment (a burst of timeouts arrives at once),
        /// which is not an outage; an outage fails every call in flight anyway.
        package func scaled(forConcurrency maxConcurrency: Int) -> Configuration {
            var scaled = self
            scaled.failureThreshold = max(failureThreshold, maxConcurrency / 4)
            return scaled
        }
    }

    /// Where the breaker is.
    package enum State: Sendable, Equatable {
        case closed(consecutiveFaults: Int)
        case open(until: ContinuousClock.Instant)
        /// `probe` is the lease of the call let through, nil while none is out.
        case halfOpen(probe: JobLease?)

        /// The state's value in the `sluice_circuit_breaker_state` gauge: 0 closed, 1 half-open, 2 open.
        package var gaugeValue: Int {
            switch self {
            case .closed: 0
            case .halfOpen: 1
            case .open: 2
            }
        }

        /// The state's name in logs.
        package var name: String {
            switch self {
            case .closed: "closed"
            case .halfOpen: "half_open"
            case .open: "open"
            }
        }
    }

    /// What the lane may claim now.
    package enum Permit: Sendable, Equatable {
        /// As many as it has room for (closed).
        case any
        /// One job, the half-open probe; report it with `probeStarted`.
        case one
        /// Nothing: look again after `retryAfter` (nil: when the probe ends).
        case none(retryAfter: Duration?)
    }

    /// How one call ended, as the breaker sees it.
    package enum Observation: Sendable, Equatable {
        /// The provider answered with something other than a 5xx or 429: it is up.
        case success
        /// The provider's fault: 5xx, timeout, connection error.
        case fault
        /// Says nothing about the provider's health: a 429, a call not sent or aborted.
        case neutral
    }

    package let configuration: Configuration
    package private(set) var state: State = .closed(consecutiveFaults: 0)

    package init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// What the lane may claim now; an open breaker whose cool-down has passed turns half-open here.
    package mutating func permit(now: ContinuousClock.Instant) -> Permit {
        switch state {
        case .closed:
            return .any
        case .open(let until):
            guard now >= until else { return .none(retryAfter: until - now) }
            state = .halfOpen(probe: nil)
            return .one
        case .halfOpen(let probe):
            return probe == nil ? .one : .none(retryAfter: nil)
        }
    }

    /// The half-open probe was claimed under `lease`: no other job goes until it ends.
    package mutating func probeStarted(_ lease: JobLease) {
        guard case .halfOpen(nil) = state else { return }
        state = .halfOpen(probe: lease)
    }

    /// Records how the call of `lease` ended. Returns the new state when it changed.
    @discardableResult
    package mutating func record(
        _ observation: Observation,
        of lease: JobLease,
        now: ContinuousClock.Instant
    )
        -> State?
    {
        let before = state
        switch (state, observation) {
        case (.closed, .success):
            state = .closed(consecutiveFaults: 0)
        case (.closed(let faults), .fault):
            state =
                faults + 1 >= configuration.failureThreshold
                ? .open(until: now + configuration.coolDown) : .closed(consecutiveFaults: faults + 1)
        case (.closed, .neutral), (.open, _):
            break
        case (.halfOpen, .success):
            state = .closed(consecutiveFaults: 0)
        case (.halfOpen, .fault):
            state = .open(until: now + configuration.coolDown)
        case (.halfOpen(let probe), .neutral):
            if probe == lease { state = .halfOpen(probe: nil) }
        }
        return state.gaugeValue == before.gaugeValue ? nil : state
    }

    /// The call of `lease` left the lane: a probe that ended without `record` lets the next one go.
    package mutating func callEnded(_ lease: JobLease) {
        if case .halfOpen(let probe) = state, probe == lease { state = .halfOpen(probe: nil) }
    }

    /// How an upstream attempt's outcome counts.
    package static func observation(of outcome: UpstreamOutcome) -> Observation {
        switch outcome {
        case .notSent, .aborted:
            return .neutral
        case .failed(let error):
            return observation(of: error)
        case .answered(let answer, _):
            return observation(status: answer.response.statusCode)
        }
    }

    /// A transport failure: timeouts and connection errors are faults; an aborted or malformed request is not.
    package static func observation(of error: TransportError) -> Observation {
        switch error.code {
        case .cancelled, .malformed: .neutral
        default: .fault
        }
    }

    /// An HTTP answer: 5xx faults, 429 neutral, anything else success.
    package static func observation(status: Int) -> Observation {
        switch status {
        case 500...599: .fault
        case 429: .neutral
        default: .success
        }
    }
}
