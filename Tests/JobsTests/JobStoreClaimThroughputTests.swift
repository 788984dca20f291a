import Foundation
import Testing

@testable import Jobs

/// Measures the claim (prints, never asserts a timing): 256 at a time from a 50,000-job queue.
@Suite struct JobStoreClaimThroughputTests {
    @Test(.timeLimit(.minutes(2))) func claim_256AtATimeFromA50kQueue_reportsTheTimePerClaim() async throws {
        try await withStore { store, _ in
            for start in stride(from: 0, to: 50_000, by: 10_000) {
                var batch = newBatch(10_000)
                batch.jobs = (start..<start + 10_000).map { newJob(customID: "line-\($0)") }
                _ = try await store.insertBatch(batch, tenant: "big", idempotencyKey: nil, now: t0)
            }
            for index in 0..<20 {
                _ = try await store.insertJob(
                    newJob(customID: "single-\(index)"),
                    tenant: "tenant-\(index)",
                    idempotencyKey: nil,
                    now: t0
                )
            }
            let rounds = 40
            var claimed = 0
            let clock = ContinuousClock()
            let elapsed = try await clock.measure {
                for _ in 0..<rounds {
                    claimed += try await store.claim(
                        provider: "mock",
                        limit: 256,
                        leaseDuration: .seconds(600),
                        now: t0
                    ).count
                }
            }
            #expect(claimed == rounds * 256)
            let perClaim = elapsed / rounds
            print(
                "claim throughput: \(rounds) claims of 256 from a 50,020-job queue (21 tenants) in \(elapsed); "
                    + "\(perClaim) per claim, \(Int(Double(claimed) / elapsed.timeInterval)) jobs/s"
            )
        }
    }
}

extension JobStoreClaimThroughputTests {
    @Test(.timeLimit(.minutes(2))) func claim_256AtATimeAcross1000Tenants_reportsTheTimePerClaim() async throws {
        try await withStore { store, _ in
            for start in stride(from: 0, to: 1_000, by: 100) {
                for tenant in start..<start + 100 {
                    var batch = newBatch(50)
                    batch.jobs = (0..<50).map { newJob(customID: "line-\($0)") }
                    _ = try await store.insertBatch(batch, tenant: "tenant-\(tenant)", idempotencyKey: nil, now: t0)
                }
            }
            let rounds = 40
            var claimed = 0
            let elapsed = try await ContinuousClock().measure {
                for _ in 0..<rounds {
                    claimed += try await store.claim(
                        provider: "mock",
                        limit: 256,
                        leaseDuration: .seconds(600),
                        now: t0
                    ).count
                }
            }
            #expect(claimed == rounds * 256)
            print(
                "claim throughput: \(rounds) claims of 256 from a 50,000-job queue spread over 1,000 tenants in "
                    + "\(elapsed); \(elapsed / rounds) per claim"
            )
        }
    }
}

extension Duration {
    fileprivate var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
