import Foundation
import Testing

@testable import Jobs
@testable import Workers

/// A job taken back (rescued) while its call is in flight, and claimed again by the same lane: the two calls are
/// told apart by their lease, never by the job id.
@Suite struct LaneLeaseTests {
    @Test(.timeLimit(.minutes(1))) func run_whenTheOldCallOfARetakenJobEndsFirst_keepsTheNewClaimRunning()
        async throws
    {
        try await PoolHarness.with(script: FakeTransport.always(.hold)) { harness in
            let id = try await harness.insert("retaken")
            let transport = harness.transport
            let lane = try #require(harness.pool.lanes[PoolHarness.provider])
            try await eventually("the first call is in flight") { transport.heldCount == 1 }
            // As if this process had restarted: the job goes back to the queue, and the lane claims it again.
            #expect(try await harness.store.rescueAllRunning() == 1)
            harness.pool.wake(provider: PoolHarness.provider)
            try await eventually("the new claim's call is in flight") { transport.heldCount == 2 }
            #expect(lane.runningCount == 2)  // both calls hold a slot of the lane

            transport.releaseOldest()  // the OLD call answers first, under the stale lease: dropped
            try await eventually("the old call left the lane") { lane.runningCount == 1 && transport.inFlight == 1 }
            #expect(try await harness.job(id).state == .running)

            // The new claim is still the lane's: a cancellation reaches its call.
            _ = try await harness.store.cancelJob(id, tenant: PoolHarness.tenant)
            try await eventually(timeout: .seconds(5), "the new call was aborted") {
                try await harness.job(id).state == .cancelled
            }
            #expect(transport.aborted == 1)
            try await eventually("the new call left the lane") { lane.runningCount == 0 }
        }
    }

    @Test(.timeLimit(.minutes(1))) func heartbeat_whenALeaseWasTakenBack_abortsThatCallOnly() async throws {
        let configuration = WorkerPool.Configuration(
            leaseDuration: .seconds(5),
            heartbeatInterval: .milliseconds(20),
            idlePollMinimum: .milliseconds(1),
            idlePollMaximum: .milliseconds(20),
            retryPolicy: RetryPolicy(base: .milliseconds(1), cap: .milliseconds(5))
        )
        try await PoolHarness.with(configuration: configuration, script: FakeTransport.always(.hold)) { harness in
            let id = try await harness.insert("lost")
            let transport = harness.transport
            let lane = try #require(harness.pool.lanes[PoolHarness.provider])
            try await eventually("the first call is in flight") { transport.heldCount == 1 }
            #expect(try await harness.store.rescueAllRunning() == 1)
            harness.pool.wake(provider: PoolHarness.provider)
            // The heartbeat finds the old lease gone and aborts its transfer (its answer would be dropped).
            try await eventually(timeout: .seconds(5), "the old call was aborted") { transport.aborted == 1 }
            try await eventually("only the new claim's call runs") {
                lane.runningCount == 1 && transport.heldCount == 1
            }
            let job = try await harness.job(id)
            #expect(job.state == .running)
            #expect(job.attempt == 1)
            transport.releaseAll()
            #expect(try await harness.final(id).state == .succeeded)
            #expect(transport.aborted == 1)
        }
    }
}
