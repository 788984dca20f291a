import Foundation
import Jobs
import MockProvider
import Testing
import Workers

/// Flow control through the real stack (store, pool, libcurl, mock provider), at a small scale. Asserts counts
/// and outcomes only; timings are printed.
@Suite struct FlowControlEndToEndTests {
    /// The mock's limit: 600 rpm is 10 a second after a burst of 600 (its bucket starts full, like OpenAI's).
    static let rpm = 600
    /// 50 jobs past the burst: about 5 s at the limit.
    static let jobs = 650

    @Test(.timeLimit(.minutes(1))) func batch_withTheLaneLimitMatchingTheProviders_getsNo429AndRunsAtTheLimit()
        async throws
    {
        try await Self.runAtTheLimit(laneRPM: Self.rpm) { stats, elapsed in
            #expect(stats.rateLimited == 0)
            #expect(stats.requests == Self.jobs)
            let ideal = Double(Self.jobs - Self.rpm) / (Double(Self.rpm) / 60)
            print(
                "rate-limit fidelity (lane rpm = mock rpm = \(Self.rpm)): \(Self.jobs) jobs in \(elapsed), "
                    + "\(stats.rateLimited) 429s; the limit allows it in \(ideal) s after the burst "
                    + "(achieved \(Int(100 * ideal / elapsed.timeInterval))% of the limit)"
            )
        }
    }

    @Test(.timeLimit(.minutes(1))) func batch_withTheLaneLimitUnknown_learnsItFromTheHeadersWithFew429s()
        async throws
    {
        try await Self.runAtTheLimit(laneRPM: nil) { stats, elapsed in
            let share = Double(stats.rateLimited) / Double(stats.requests)
            #expect(share < 0.02)
            print(
                "rate-limit fidelity (lane rpm unknown, mock rpm \(Self.rpm)): \(Self.jobs) jobs in \(elapsed), "
                    + "\(stats.rateLimited) 429s of \(stats.requests) calls (\(share * 100)%)"
            )
        }
    }

    private static func runAtTheLimit(
        laneRPM: Int?,
        check: (MockProviderStats.Snapshot, Duration) -> Void
    ) async throws {
        try await FlowControlHarness.with(
            mock: MockProviderConfiguration(rpm: rpm),
            limits: .init(rpm: laneRPM, maxConcurrency: 64)
        ) { harness in
            let started = ContinuousClock.now
            let batch = try await harness.submitBatch(jobs, tenant: "t")
            let final = try await harness.waitForBatch(batch.id, tenant: "t")
            let elapsed = ContinuousClock.now - started
            #expect(final.counts.succeeded == jobs)
            check(harness.mock.stats.snapshot, elapsed)
        }
    }

    @Test(.timeLimit(.minutes(2))) func batch_whenTheProviderFails_endsWithEveryJobSucceededWithinItsAttempts()
        async throws
    {
        let count = 2_000
        let maxAttempts = 10  // 29% of calls burn an attempt: 0.29^10 makes a job failing 10 times a 4e-6 event
        let faults = MockProviderConfiguration.Faults(
            fail5xx: 0.20,
            fail429: 0.10,
            hang: 0.05,
            garbage: 0.02,
            drop: 0.02,
            hangFor: .seconds(5)
        )
        try await FlowControlHarness.with(
            mock: MockProviderConfiguration(faults: faults),
            // A configured limit far above the load: the lane knows its limits, so the spurious 429s pause it
            // (as they must) without also shrinking an adaptive window.
            limits: .init(rpm: 1_000_000, maxConcurrency: 256),
            configuration: FlowControlHarness.configuration(requestTimeout: .milliseconds(300))
        ) { harness in
            let started = ContinuousClock.now
            let batch = try await harness.submitBatch(count, tenant: "t", maxAttempts: maxAttempts)
            let final = try await harness.waitForBatch(batch.id, tenant: "t", timeout: .seconds(100))
            let elapsed = ContinuousClock.now - started
            #expect(final.status == .completed)
            #expect(final.counts.succeeded == count)

            let jobs = try await harness.allJobs(tenant: "t")
            #expect(jobs.count == count)
            #expect(jobs.allSatisfy { $0.state == .succeeded })
            #expect(!jobs.contains { $0.state == .running })
            #expect(jobs.allSatisfy { $0.attempt >= 1 && $0.attempt <= $0.maxAttempts })
            let retried = jobs.filter { $0.attempt > 1 }
            #expect(!retried.isEmpty)
            let stats = harness.mock.stats.snapshot
            #expect(stats.faults > 0 && stats.rateLimited > 0)
            print(
                "fault tolerance: \(count) jobs final in \(elapsed) after \(stats.requests) calls "
                    + "(\(stats.faults) faults injected, \(stats.rateLimited) 429s); \(retried.count) jobs retried, "
                    + "max attempt \(jobs.map(\.attempt).max() ?? 0) of \(maxAttempts); all succeeded"
            )
        }
    }

    @Test(.timeLimit(.minutes(1))) func singles_whileAnotherTenantsLargeBatchRuns_waitLittleInTheQueue() async throws {
        try await FlowControlHarness.with(
            mock: MockProviderConfiguration(latency: .milliseconds(20)),
            limits: .init(maxConcurrency: 32)
        ) { harness in
            let big = try await harness.submitBatch(10_000, tenant: "a")
            // Wait until the lane is busy with tenant a's batch.
            let deadline = ContinuousClock.now + .seconds(30)
            while try #require(try await harness.store.batch(big.id, tenant: "a")).counts.succeeded < 200 {
                try #require(ContinuousClock.now < deadline, "tenant a's batch did not start")
                try await Task.sleep(for: .milliseconds(10))
            }
            var waits: [Double] = []
            for index in 0..<10 {
                let job = try await harness.submitJob(tenant: "b", name: "single-\(index)")
                let final = try #require(
                    try await harness.store.waitUntilFinal(job.id, tenant: "b", timeout: .seconds(30))
                )
                #expect(final.state == .succeeded)
                if let startedAt = final.startedAt { waits.append(startedAt.timeIntervalSince(final.createdAt) * 1000) }
            }
            let batch = try #require(try await harness.store.batch(big.id, tenant: "a"))
            #expect(batch.counts.succeeded < 10_000)  // the singles ran while a's batch was still going
            waits.sort()
            print(
                "fairness: tenant b's 10 single jobs waited p50 \(Int(waits[waits.count / 2])) ms, "
                    + "max \(Int(waits.last ?? 0)) ms in the queue, while tenant a's 10,000-job batch ran "
                    + "(\(batch.counts.succeeded) of a's done meanwhile; lane concurrency 32, mock latency 20 ms)"
            )
        }
    }
}

extension Duration {
    fileprivate var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
