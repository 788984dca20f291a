import Foundation
import Jobs
import Synchronization
import Testing

@testable import Workers

/// The breaker wired into a lane: an open breaker stops the claiming (jobs stay queued, attempts not burned), and
/// a good half-open probe lets the lane drain again.
@Suite struct LaneCircuitBreakerTests {
    static func configuration(coolDown: Duration) -> WorkerPool.Configuration {
        var configuration = PoolHarness.configuration()
        configuration.circuitBreaker = CircuitBreaker.Configuration(failureThreshold: 3, coolDown: coolDown)
        return configuration
    }

    @Test(.timeLimit(.minutes(1))) func run_whenTheProviderKeepsFailing_opensTheBreaker_andLeavesTheJobsQueued()
        async throws
    {
        try await PoolHarness.with(
            maxConcurrency: 1,
            configuration: Self.configuration(coolDown: .seconds(600)),
            script: FakeTransport.always(.respond(FakeTransport.error(503)))
        ) { harness in
            var inserted: [JobID] = []
            for index in 0..<5 { inserted.append(try await harness.insert("job-\(index)", maxAttempts: 10)) }
            let ids = inserted
            let lane = try #require(harness.pool.lanes[PoolHarness.provider])
            try await eventually("the breaker opened") {
                if case .open = lane.breaker.state { return true }
                return false
            }
            // One call at a time: the third fault opened the breaker before a fourth call could be claimed.
            #expect(harness.transport.calls == 3)
            try await eventually("the last faulted job went back to the queue") {
                var states: [JobState] = []
                for id in ids { states.append(try await harness.job(id).state) }
                return states.allSatisfy { $0 == .queued }
            }
            var attempts = 0
            for id in ids { attempts += try await harness.job(id).attempt }
            #expect(attempts == 3)  // only the calls made; the waiting burned none
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_afterTheCoolDown_aGoodProbeClosesTheBreaker_andTheJobsSucceed()
        async throws
    {
        let calls = Mutex(0)
        let script: FakeTransport.Script = { _, _ in
            let call = calls.withLock { count in
                count += 1
                return count
            }
            return .respond(call <= 3 ? FakeTransport.error(500) : FakeTransport.ok())
        }
        try await PoolHarness.with(
            maxConcurrency: 1,
            configuration: Self.configuration(coolDown: .milliseconds(50)),
            script: script
        ) { harness in
            var ids: [JobID] = []
            for index in 0..<4 { ids.append(try await harness.insert("job-\(index)", maxAttempts: 10)) }
            for id in ids { #expect(try await harness.final(id).state == .succeeded) }
            let lane = try #require(harness.pool.lanes[PoolHarness.provider])
            #expect(lane.breaker.state == .closed(consecutiveFaults: 0))
        }
    }
}
