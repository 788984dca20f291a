import Jobs
import Testing

@testable import Workers

/// The breaker's state machine, without I/O: closed → open after N consecutive faults → half-open after the
/// cool-down → closed by a good probe or open again by a bad one.
@Suite struct CircuitBreakerTests {
    let start = ContinuousClock.now
    let configuration = CircuitBreaker.Configuration(failureThreshold: 3, coolDown: .seconds(10))

    func lease(_ id: Int64) -> JobLease { JobLease(jobID: JobID(id), token: id) }

    @Test func record_whenThresholdConsecutiveFaults_opensAndPermitsNothingUntilTheCoolDown() {
        var breaker = CircuitBreaker(configuration: configuration)
        #expect(breaker.record(.fault, of: lease(1), now: start) == nil)
        #expect(breaker.record(.fault, of: lease(2), now: start) == nil)
        #expect(breaker.permit(now: start) == .any)
        #expect(breaker.record(.fault, of: lease(3), now: start) == .open(until: start + .seconds(10)))
        #expect(breaker.permit(now: start + .seconds(4)) == .none(retryAfter: .seconds(6)))
    }

    @Test func record_whenASuccessComesBetweenFaults_startsCountingAgain() {
        var breaker = CircuitBreaker(configuration: configuration)
        breaker.record(.fault, of: lease(1), now: start)
        breaker.record(.fault, of: lease(2), now: start)
        breaker.record(.success, of: lease(3), now: start)
        breaker.record(.fault, of: lease(4), now: start)
        breaker.record(.fault, of: lease(5), now: start)
        #expect(breaker.state == .closed(consecutiveFaults: 2))
        #expect(breaker.permit(now: start) == .any)
    }

    @Test func record_neutralObservations_neitherCountNorReset() {
        var breaker = CircuitBreaker(configuration: configuration)
        breaker.record(.fault, of: lease(1), now: start)
        breaker.record(.fault, of: lease(2), now: start)
        breaker.record(.neutral, of: lease(3), now: start)  // a 429, or a call never sent
        #expect(breaker.state == .closed(consecutiveFaults: 2))
        breaker.record(.fault, of: lease(4), now: start)
        #expect(breaker.state == .open(until: start + .seconds(10)))
    }

    @Test func permit_afterTheCoolDown_letsOneProbeThrough_andItsSuccessCloses() {
        var breaker = opened()
        let later = start + .seconds(10)
        #expect(breaker.permit(now: later) == .one)
        #expect(breaker.state == .halfOpen(probe: nil))
        breaker.probeStarted(lease(9))
        #expect(breaker.permit(now: later) == .none(retryAfter: nil))
        #expect(breaker.record(.success, of: lease(9), now: later) == .closed(consecutiveFaults: 0))
        #expect(breaker.permit(now: later) == .any)
    }

    @Test func record_whenTheProbeFaults_opensAgainForAnotherCoolDown() {
        var breaker = opened()
        let later = start + .seconds(12)
        #expect(breaker.permit(now: later) == .one)
        breaker.probeStarted(lease(9))
        #expect(breaker.record(.fault, of: lease(9), now: later) == .open(until: later + .seconds(10)))
        #expect(breaker.permit(now: later + .seconds(1)) == .none(retryAfter: .seconds(9)))
    }

    @Test func callEnded_whenTheProbeNeverReported_letsTheNextProbeGo() {
        var breaker = opened()
        let later = start + .seconds(10)
        _ = breaker.permit(now: later)
        breaker.probeStarted(lease(9))
        breaker.callEnded(lease(8))  // another call: the probe is still out
        #expect(breaker.permit(now: later) == .none(retryAfter: nil))
        breaker.callEnded(lease(9))  // deferred by a quota, cancelled…: no verdict on the provider
        #expect(breaker.permit(now: later) == .one)
    }

    @Test func observation_countsProviderFaultsOnly() {
        #expect(CircuitBreaker.observation(status: 500) == .fault)
        #expect(CircuitBreaker.observation(status: 503) == .fault)
        #expect(CircuitBreaker.observation(status: 529) == .fault)
        #expect(CircuitBreaker.observation(status: 429) == .neutral)
        #expect(CircuitBreaker.observation(status: 200) == .success)
        #expect(CircuitBreaker.observation(status: 400) == .success)
        #expect(CircuitBreaker.observation(of: TransportError(.timeout, message: "t")) == .fault)
        #expect(CircuitBreaker.observation(of: TransportError(.connect, message: "c")) == .fault)
        #expect(CircuitBreaker.observation(of: TransportError(.reset, message: "r")) == .fault)
        #expect(CircuitBreaker.observation(of: TransportError(.cancelled, message: "x")) == .neutral)
        #expect(CircuitBreaker.observation(of: TransportError(.malformed, message: "m")) == .neutral)
    }

    @Test func defaults_keepALaneWithOneFaultInFiveClosed() {
        // 20 % random 5xx (the fault-tolerance end-to-end test): 10 in a row has probability 0.2^10 ≈ 1e-7.
        var breaker = CircuitBreaker()
        var generator = SeededGenerator(seed: 42)
        for call in 0..<50_000 {
            let fault = Int.random(in: 0..<5, using: &generator) == 0
            breaker.record(fault ? .fault : .success, of: lease(Int64(call)), now: start)
        }
        #expect(breaker.permit(now: start) == .any)
    }

    private func opened() -> CircuitBreaker {
        var breaker = CircuitBreaker(configuration: configuration)
        for id in 1...3 { breaker.record(.fault, of: lease(Int64(id)), now: start) }
        return breaker
    }
}

extension CircuitBreakerTests {
    @Test func scaled_forAWideLane_needsAQuarterOfItsConcurrencyInARow() {
        let base = CircuitBreaker.Configuration(failureThreshold: 10, coolDown: .seconds(5))
        #expect(base.scaled(forConcurrency: 8).failureThreshold == 10)
        #expect(base.scaled(forConcurrency: 256).failureThreshold == 64)
        #expect(base.scaled(forConcurrency: 256).coolDown == .seconds(5))
    }
}
