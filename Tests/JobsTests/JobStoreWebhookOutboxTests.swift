import Foundation
import Testing

@testable import Jobs

/// The outbox side of the job transitions: which final transitions write an event, and that the event commits
/// with the transition (or not at all).
@Suite struct JobStoreWebhookOutboxTests {
    @Test(.timeLimit(.minutes(1))) func complete_ofAJobOutsideABatch_writesJobCompleted_withTheJobsID() async throws {
        try await withStore { store, _ in
            _ = try await store.makeEndpoint(tenant: "a")
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(try await store.complete(claimed.lease, response: okResponse(), now: t0.addingTimeInterval(2)))
            let delivery = try #require(
                try await store.claimWebhookDeliveries(
                    limit: 5,
                    leaseDuration: .seconds(30),
                    now: t0.addingTimeInterval(2)
                )
                .first
            )
            let event = try #require(try JSONSerialization.jsonObject(with: delivery.payload) as? [String: Any])
            #expect(event["type"] as? String == "job.completed")
            #expect(event["object"] as? String == "event")
            #expect(event["id"] as? String == delivery.messageID)
            #expect(event["created_at"] as? Int == 1_700_000_002)
            #expect((event["data"] as? [String: Any])?["id"] as? String == job.id.description)
        }
    }

    @Test(.timeLimit(.minutes(1))) func finalTransitions_whenTheTenantHasNoEndpoint_writeNothing() async throws {
        try await withStore { store, _ in
            _ = try await store.makeEndpoint(tenant: "other")
            _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(try await store.complete(claimed.lease, response: okResponse(), now: t0))
            let second = try #require(try await store.claimOne())
            #expect(
                try await store.fail(
                    second.lease,
                    response: nil,
                    failure: JobFailure(code: "x", message: "x"),
                    now: t0
                )
            )
            #expect(try await store.rowCount("webhook_events") == 0)
            #expect(try await store.rowCount("webhook_deliveries") == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func batchJobs_writeNoJobEvents_evenWithAnEndpoint() async throws {
        try await withStore { store, _ in
            _ = try await store.makeEndpoint(tenant: "a")
            _ = try await store.insertBatch(newBatch(2), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(try await store.complete(claimed.lease, response: okResponse(), now: t0))
            #expect(try await store.rowCount("webhook_events") == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func staleLease_writesNoEvent_failAndCancelAndExpiry_writeJobFailed() async throws {
        try await withStore { store, _ in
            _ = try await store.makeEndpoint(tenant: "a")
            _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            var stale = claimed.lease
            stale.token += 1
            #expect(try await store.complete(stale, response: okResponse(), now: t0) == false)
            #expect(try await store.rowCount("webhook_events") == 0)
            #expect(
                try await store.fail(
                    claimed.lease,
                    response: nil,
                    failure: JobFailure(code: "x", message: "x"),
                    now: t0
                )
            )

            let queued = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            _ = try await store.cancelJob(queued.id, tenant: "a", now: t0)
            _ = try await store.insertJob(
                newJob(deadline: t0.addingTimeInterval(10)),
                tenant: "a",
                idempotencyKey: nil,
                now: t0
            )
            #expect(try await store.expireOverdue(now: t0.addingTimeInterval(11)) == 1)

            let deliveries = try await store.claimWebhookDeliveries(
                limit: 10,
                leaseDuration: .seconds(30),
                now: t0.addingTimeInterval(11)
            )
            let types = try deliveries.map { delivery in
                try #require(try JSONSerialization.jsonObject(with: delivery.payload) as? [String: Any])["type"]
                    as? String
            }
            #expect(types == ["job.failed", "job.failed", "job.failed"])
        }
    }

    @Test(.timeLimit(.minutes(1))) func outboxRow_isRolledBackWithTheWriteThatRecordedIt() async throws {
        struct Abort: Error {}
        try await withStore { store, _ in
            _ = try await store.makeEndpoint(tenant: "a")
            let outbox = store.webhookOutbox
            await #expect(throws: Abort.self) {
                try await store.writer.write { db in
                    try StoreWrites(db: db, webhooks: outbox).recordWebhookEvent(
                        type: .jobCompleted,
                        tenant: "a",
                        subject: "job_1",
                        jobWebhookURL: nil,
                        now: 0
                    )
                    throw Abort()
                }
            }
            #expect(try await store.rowCount("webhook_events") == 0)
            #expect(try await store.rowCount("webhook_deliveries") == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func jobWithItsOwnURL_getsADelivery_withoutAnyEndpoint() async throws {
        try await withStore { store, _ in
            var job = newJob()
            job.webhookURL = "https://example.com/once"
            _ = try await store.insertJob(job, tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(try await store.complete(claimed.lease, response: okResponse(), now: t0))
            let delivery = try #require(
                try await store.claimWebhookDeliveries(limit: 5, leaseDuration: .seconds(30), now: t0).first
            )
            #expect(delivery.url == "https://example.com/once")
            #expect(delivery.endpointID == nil)
            #expect(delivery.secrets == [try await store.oneOffWebhookSecret(tenant: "a", now: t0)])
        }
    }
}
