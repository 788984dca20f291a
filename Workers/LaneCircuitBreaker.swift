import Jobs
import Logging
import Synchronization

/// A lane's `CircuitBreaker` behind a lock, with its gauge and its log lines: the lane asks `permit` before it
/// claims and reports how every call ended.
final class LaneCircuitBreaker: Sendable {
    private let breaker: Mutex<CircuitBreaker>
    private let metrics: LaneMetrics
    private let logger: Logger

    init(configuration: CircuitBreaker.Configuration, metrics: LaneMetrics, logger: Logger) {
        breaker = Mutex(CircuitBreaker(configuration: configuration))
        self.metrics = metrics
        self.logger = logger
    }

    /// The breaker's current state.
    var state: CircuitBreaker.State { breaker.withLock { $0.state } }

    /// What the lane may claim now.
    func permit() -> CircuitBreaker.Permit {
        let now = ContinuousClock.now
        let (permit, changed) = breaker.withLock { breaker -> (CircuitBreaker.Permit, Bool) in
            let before = breaker.state.gaugeValue
            let permit = breaker.permit(now: now)
            return (permit, breaker.state.gaugeValue != before)
        }
        if changed {
            metrics.setBreakerState(.halfOpen(probe: nil))
            logger.notice("circuit breaker half-open; letting one call through")
        }
        return permit
    }

    /// The half-open probe was claimed.
    func probeStarted(_ lease: JobLease) {
        breaker.withLock { $0.probeStarted(lease) }
    }

    /// Records how the call of `lease` ended. Returns whether the breaker closed (the lane may claim again).
    @discardableResult
    func record(_ observation: CircuitBreaker.Observation, of lease: JobLease) -> Bool {
        if observation == .neutral {
            breaker.withLock { _ = $0.record(.neutral, of: lease, now: .now) }
            return false
        }
        let now = ContinuousClock.now
        guard let changed = breaker.withLock({ $0.record(observation, of: lease, now: now) }) else { return false }
        metrics.setBreakerState(changed)
        switch changed {
        case .open:
            metrics.breakerOpened()
            logger.warning(
                "circuit breaker open: the provider keeps failing; claiming paused",
                metadata: ["cool_down_ms": "\(breaker.withLock { $0.configuration.coolDown }.nanoseconds / 1_000_000)"]
            )
            return false
        case .closed:
            logger.notice("circuit breaker closed")
            return true
        case .halfOpen:
            return false
        }
    }

    /// The call of `lease` left the lane (a probe that never reported lets the next one go).
    func callEnded(_ lease: JobLease) {
        breaker.withLock { $0.callEnded(lease) }
    }
}
