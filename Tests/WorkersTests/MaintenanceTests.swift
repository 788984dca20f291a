import Foundation
import Logging
import Testing

@testable import Jobs
@testable import Workers

@Suite struct MaintenanceTests {
    static func withStore(_ body: (JobStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-maintenance-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: Logger(label: "maintenance-tests")
        )
        defer { store.close() }
        try await body(store)
    }

    static func newJob(deadline: Date? = nil) -> NewJob {
        NewJob(
            customID: nil,
            provider: "p",
            model: "m",
            endpoint: "/v1/chat/completions",
            body: Data("{}".utf8),
            maxAttempts: 3,
            deadline: deadline
        )
    }

    @Test(.timeLimit(.minutes(1))) func runOnce_rescuesExpiredLeasesAndExpiresOverdueJobs() async throws {
        try await Self.withStore { store in
            let now = Date()
            let leased = try await store.insertJob(Self.newJob(), tenant: "t", idempotencyKey: nil, now: now)
            _ = try await store.claim(provider: "p", limit: 1, leaseDuration: .seconds(10), now: now)
            let overdue = try await store.insertJob(
                Self.newJob(deadline: now.addingTimeInterval(5)),
                tenant: "t",
                idempotencyKey: nil,
                now: now
            )
            let maintenance = Maintenance(store: store, logger: Logger(label: "maintenance-tests"))

            let counts = try await maintenance.runOnce(now: now.addingTimeInterval(60))
            #expect(counts == Maintenance.Counts(rescued: 1, expired: 1))
            #expect(try await store.job(leased.id, tenant: "t")?.state == .queued)
            #expect(try await store.job(overdue.id, tenant: "t")?.state == .expired)
            #expect(
                try await maintenance.runOnce(now: now.addingTimeInterval(60))
                    == Maintenance.Counts(rescued: 0, expired: 0)
            )
        }
    }

    @Test(.timeLimit(.minutes(1))) func runOnce_prunesDeliveredWebhookEventsPastTheirRetention() async throws {
        try await Self.withStore { store in
            let now = Date()
            _ = try await store.createWebhookEndpoint(
                NewWebhookEndpoint(url: "https://example.com/hook"),
                tenant: "t",
                idempotencyKey: nil,
                now: now
            )
            _ = try await store.insertJob(Self.newJob(), tenant: "t", idempotencyKey: nil, now: now)
            let claimed = try #require(
                try await store.claim(provider: "p", limit: 1, leaseDuration: .seconds(60), now: now).first
            )
            _ = try await store.complete(
                claimed.lease,
                response: JobResponse(statusCode: 200, requestID: nil, body: Data("{}".utf8), usage: nil),
                now: now
            )
            let delivery = try #require(
                try await store.claimWebhookDeliveries(limit: 1, leaseDuration: .seconds(30), now: now).first
            )
            try await store.recordWebhookAttempt(
                delivery.id,
                result: WebhookAttemptResult(statusCode: 204, error: nil, duration: .zero, outcome: .delivered),
                now: now
            )
            let maintenance = Maintenance(store: store, logger: Logger(label: "maintenance-tests"))
            #expect(try await maintenance.runOnce(now: now).webhookEventsPruned == 0)
            let later = now.addingTimeInterval(31 * 86_400)
            #expect(try await maintenance.runOnce(now: later).webhookEventsPruned == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func rescuePreviousRun_handsBackRunningJobsOnlyOnce() async throws {
        try await Self.withStore { store in
            let job = try await store.insertJob(Self.newJob(), tenant: "t", idempotencyKey: nil)
            _ = try await store.claim(provider: "p", limit: 1, leaseDuration: .seconds(60))
            let maintenance = Maintenance(store: store, logger: Logger(label: "maintenance-tests"))

            async let first = maintenance.rescuePreviousRun()
            async let second = maintenance.rescuePreviousRun()
            #expect(try await [first, second] == [1, 1])
            let rescued = try #require(try await store.job(job.id, tenant: "t"))
            #expect(rescued.state == .queued)
            #expect(rescued.attempt == 0)

            // A job claimed by this run is never taken back by a later call.
            _ = try await store.claim(provider: "p", limit: 1, leaseDuration: .seconds(60))
            #expect(try await maintenance.rescuePreviousRun() == 1)
            #expect(try await store.job(job.id, tenant: "t")?.state == .running)
        }
    }
}
