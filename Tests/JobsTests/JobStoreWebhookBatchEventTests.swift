import Foundation
import Testing

@testable import Jobs

/// Batch events: written by the finalizer's move of a batch to its final status, in that transaction.
@Suite struct JobStoreWebhookBatchEventTests {
    @Test(.timeLimit(.minutes(1))) func finishFinalizing_writesBatchCompleted_andWakesTheDeliverer() async throws {
        try await withStore { store, _ in
            _ = try await store.makeEndpoint(tenant: "a")
            let batch = try await store.insertBatch(newBatch(1), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            #expect(try await store.complete(claimed.lease, response: okResponse(), now: t0))
            // The batch's last job is final: the batch is finalizing, not final, and has no event yet.
            #expect(try await store.rowCount("webhook_events") == 0)
            let due = store.webhookDeliveriesDue()
            _ = try await store.finishFinalizing(batch.id, output: nil, errors: nil, now: t0.addingTimeInterval(3))
            var iterator = due.makeAsyncIterator()
            #expect(await iterator.next() != nil)
            #expect(
                try await store.eventTypes(now: t0.addingTimeInterval(3)) == [["batch.completed": batch.id.description]]
            )
        }
    }

    @Test(.timeLimit(.minutes(1))) func cancelledAndExpiredBatches_writeTheirEvents() async throws {
        try await withStore { store, _ in
            _ = try await store.makeEndpoint(tenant: "a")
            let cancelled = try await store.insertBatch(newBatch(2), tenant: "a", idempotencyKey: nil, now: t0)
            _ = try await store.cancelBatch(cancelled.id, tenant: "a", now: t0)
            _ = try await store.finishFinalizing(cancelled.id, output: nil, errors: nil, now: t0)

            let expiring = try await store.insertBatch(
                newBatch(1, expiresAt: t0.addingTimeInterval(60)),
                tenant: "a",
                idempotencyKey: nil,
                now: t0
            )
            _ = try await store.expireOverdue(now: t0.addingTimeInterval(61))
            _ = try await store.finishFinalizing(expiring.id, output: nil, errors: nil, now: t0.addingTimeInterval(61))

            #expect(
                try await store.eventTypes(now: t0.addingTimeInterval(61)) == [
                    ["batch.cancelled": cancelled.id.description], ["batch.expired": expiring.id.description],
                ]
            )
        }
    }
}

extension JobStore {
    /// Claims every due delivery and returns each one's `[type: data.id]`, in claim order.
    func eventTypes(now: Date) async throws -> [[String: String]] {
        try await claimWebhookDeliveries(limit: 100, leaseDuration: .seconds(30), now: now).map { delivery in
            let event = try #require(try JSONSerialization.jsonObject(with: delivery.payload) as? [String: Any])
            let type = try #require(event["type"] as? String)
            let subject = try #require((event["data"] as? [String: Any])?["id"] as? String)
            return [type: subject]
        }
    }
}
