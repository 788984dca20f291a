import API
import Foundation
import Jobs
import Logging
import ServiceLifecycle
import Testing

@testable import App

/// The dashboard's sampler over a real store: queue depth from the partial indexes, jobs finished from the store's
/// counter, one sample at start and a live point on every read.
@Suite struct OperatorSamplerTests {
    static func withStore(_ body: (JobStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-os-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: Logger(label: "operator-sampler-tests")
        )
        defer { store.close() }
        try await body(store)
    }

    static func job(_ customID: String) -> NewJob {
        NewJob(
            customID: customID,
            provider: "mock",
            model: "mock-chat",
            endpoint: "/v1/chat/completions",
            body: Data(#"{"model":"mock-chat","messages":[{"role":"user","content":"hi"}]}"#.utf8)
        )
    }

    @Test(.timeLimit(.minutes(1)))
    func history_countsQueuedRunningAndFinishedJobs() async throws {
        try await Self.withStore { store in
            let sampler = OperatorSampler(store: store, pool: nil, logger: Logger(label: "t"))
            for index in 1...3 {
                _ = try await store.insertJob(Self.job("j\(index)"), tenant: "acme", idempotencyKey: nil)
            }
            let first = try await sampler.sampleOnce()
            #expect(first.queued == 3 && first.running == 0 && first.finished == 0)

            let claimed = try await store.claim(provider: "mock", limit: 2, leaseDuration: .seconds(60))
            _ = try await store.fail(
                #require(claimed.first).lease,
                response: nil,
                failure: JobFailure(code: "upstream_error", message: "no")
            )
            #expect(store.finishedJobCount == 1)

            let history = try await sampler.history()
            #expect(history.count == 2)
            #expect(history.first == first)
            let live = try #require(history.last)
            #expect(live.queued == 1 && live.running == 1 && live.finished == 1)
            #expect(sampler.lanes().isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func run_samplesAtStart_andStopsOnGracefulShutdown() async throws {
        try await Self.withStore { store in
            let sampler = OperatorSampler(
                store: store,
                pool: nil,
                configuration: .init(interval: .seconds(3600)),
                logger: Logger(label: "t")
            )
            let group = ServiceGroup(
                configuration: .init(services: [.init(service: sampler)], logger: Logger(label: "t"))
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // The first sample is taken as the service starts: the history holds it plus the live point.
                let deadline = ContinuousClock.now + .seconds(30)
                while try await sampler.history().count < 2 {
                    guard ContinuousClock.now < deadline else { throw CancellationError() }
                    await Task.yield()
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test func configuration_readsTheSampleIntervalFromTheEnvironment() {
        #expect(OperatorSampler.Configuration(environment: [:]).interval == .seconds(60))
        #expect(
            OperatorSampler.Configuration(environment: ["SLUICE_DASHBOARD_SAMPLE_SECONDS": "5"]).interval == .seconds(5)
        )
        #expect(
            OperatorSampler.Configuration(environment: ["SLUICE_DASHBOARD_SAMPLE_SECONDS": "0"]).interval
                == .seconds(60)
        )
        #expect(
            OperatorSampler.Configuration(environment: ["SLUICE_DASHBOARD_SAMPLE_SECONDS": "x"]).interval
                == .seconds(60)
        )
    }
}
