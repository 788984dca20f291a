import Foundation
import Testing

@testable import Jobs

/// The deliverer's store contract: endpoints, the outbox write, claim / lease / record transitions, rotation.
@Suite struct JobStoreWebhookTests {
    @Test(.timeLimit(.minutes(1))) func createEndpoint_returnsWhsecSecretOf32Bytes() async throws {
        try await withStore { store, _ in
            let endpoint = try await store.createWebhookEndpoint(
                NewWebhookEndpoint(url: "https://example.com/hook", description: "mine"),
                tenant: "a",
                idempotencyKey: nil,
                now: t0
            )
            #expect(endpoint.secret.hasPrefix("whsec_"))
            #expect(Data(base64Encoded: String(endpoint.secret.dropFirst(6)))?.count == 32)
            #expect(endpoint.events == nil)
            #expect(endpoint.description == "mine")
            #expect(try await store.webhookEndpoint(endpoint.id, tenant: "a") == endpoint)
            #expect(try await store.webhookEndpoint(endpoint.id, tenant: "b") == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func createEndpoint_withUsedIdempotencyKey_returnsTheOriginal() async throws {
        try await withStore { store, _ in
            let first = try await store.createWebhookEndpoint(
                NewWebhookEndpoint(url: "https://example.com/a"),
                tenant: "a",
                idempotencyKey: "k1",
                now: t0
            )
            let again = try await store.createWebhookEndpoint(
                NewWebhookEndpoint(url: "https://example.com/a"),
                tenant: "a",
                idempotencyKey: "k1",
                now: t0
            )
            #expect(again == first)
            #expect(try await store.webhookEndpoints(tenant: "a", after: nil, limit: 10).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func recordEvent_whenTenantHasNoEndpoint_writesNothing() async throws {
        try await withStore { store, _ in
            _ = try await store.createWebhookEndpoint(
                NewWebhookEndpoint(url: "https://example.com/b"),
                tenant: "b",
                idempotencyKey: nil,
                now: t0
            )
            #expect(try await store.recordEvent(.batchCompleted, tenant: "a", subject: "batch_1") == 0)
            #expect(try await store.rowCount("webhook_events") == 0)
            #expect(try await store.rowCount("webhook_deliveries") == 0)
            #expect(try await store.nextWebhookDeliveryDue() == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func claim_returnsTheEventInOpenAIShape_withSecret_andLeasesIt() async throws {
        try await withStore { store, _ in
            let endpoint = try await store.makeEndpoint(tenant: "a")
            #expect(try await store.recordEvent(.batchCompleted, tenant: "a", subject: "batch_7") == 1)
            #expect(try await store.nextWebhookDeliveryDue() == t0)

            let claimed = try await store.claimWebhookDeliveries(limit: 10, leaseDuration: .seconds(30), now: t0)
            let delivery = try #require(claimed.first)
            #expect(claimed.count == 1)
            #expect(delivery.messageID.hasPrefix("evt_"))
            #expect(!delivery.messageID.contains("."))
            #expect(delivery.url == "https://example.com/hook")
            #expect(delivery.secrets == [endpoint.secret])
            #expect(delivery.attempt == 0)
            #expect(delivery.endpointID == endpoint.id.rawValue)
            #expect(delivery.createdAt == t0)
            let expected =
                #"{"id":"\#(delivery.messageID)","object":"event","type":"batch.completed","created_at":1700000000,"#
                + #""data":{"id":"batch_7"}}"#
            #expect(String(decoding: delivery.payload, as: UTF8.self) == expected)

            // Leased: not claimable again until the lease ends, then claimable (a crashed deliverer's delivery).
            #expect(try await store.claimWebhookDeliveries(limit: 10, leaseDuration: .seconds(30), now: t0).isEmpty)
            #expect(try await store.nextWebhookDeliveryDue() == t0.addingTimeInterval(30))
            let again = try await store.claimWebhookDeliveries(
                limit: 10,
                leaseDuration: .seconds(30),
                now: t0.addingTimeInterval(31)
            )
            #expect(again.map(\.id) == [delivery.id])
            #expect(again.first?.messageID == delivery.messageID)
        }
    }

    @Test(.timeLimit(.minutes(1))) func recordAttempt_retry_thenDelivered_isFinal_andLogged() async throws {
        try await withStore { store, _ in
            let endpoint = try await store.makeEndpoint(tenant: "a")
            try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_1")
            let first = try #require(
                try await store.claimWebhookDeliveries(limit: 1, leaseDuration: .seconds(30), now: t0).first
            )
            let retryAt = t0.addingTimeInterval(5)
            try await store.recordWebhookAttempt(
                first.id,
                result: WebhookAttemptResult(
                    statusCode: 500,
                    error: "HTTP 500\n<html>oops</html>",
                    duration: .milliseconds(12),
                    outcome: .retry(at: retryAt)
                ),
                now: t0
            )
            #expect(try await store.claimWebhookDeliveries(limit: 1, leaseDuration: .seconds(30), now: t0).isEmpty)
            #expect(try await store.nextWebhookDeliveryDue() == retryAt)
            let log = try #require(
                try await store.webhookDeliveries(endpoint: endpoint.id, tenant: "a", after: nil, limit: 10)
            )
            #expect(log.count == 1)
            #expect(log[0].state == .pending)
            #expect(log[0].attempts == 1)
            #expect(log[0].lastStatus == 500)
            #expect(log[0].lastError == "HTTP 500 <html>oops</html>")
            #expect(log[0].nextAttemptAt == retryAt)
            #expect(log[0].eventID == first.messageID)
            #expect(log[0].eventType == .jobCompleted)

            let second = try #require(
                try await store.claimWebhookDeliveries(limit: 1, leaseDuration: .seconds(30), now: retryAt).first
            )
            #expect(second.attempt == 1)
            #expect(second.messageID == first.messageID)
            try await store.recordWebhookAttempt(
                second.id,
                result: WebhookAttemptResult(
                    statusCode: 204,
                    error: nil,
                    duration: .milliseconds(3),
                    outcome: .delivered
                ),
                now: retryAt
            )
            // Delivered is final: a late record of another attempt changes nothing, and nothing is claimable.
            try await store.recordWebhookAttempt(
                second.id,
                result: WebhookAttemptResult(statusCode: nil, error: "late", duration: .zero, outcome: .failed),
                now: retryAt
            )
            #expect(
                try await store.claimWebhookDeliveries(
                    limit: 1,
                    leaseDuration: .seconds(30),
                    now: t0.addingTimeInterval(3600)
                )
                .isEmpty
            )
            #expect(try await store.nextWebhookDeliveryDue() == nil)
            let done = try #require(
                try await store.webhookDeliveries(endpoint: endpoint.id, tenant: "a", after: nil, limit: 10)
            )
            #expect(done[0].state == .delivered)
            #expect(done[0].attempts == 2)
            #expect(done[0].lastStatus == 204)
            #expect(done[0].deliveredAt == retryAt)
            #expect(done[0].nextAttemptAt == nil)
            #expect(try await store.rowCount("webhook_attempts") == 2)
        }
    }

    @Test(.timeLimit(.minutes(1))) func recordAttempt_disableEndpoint_disablesIt_failsItsPending_andStopsEvents()
        async throws
    {
        try await withStore { store, _ in
            let endpoint = try await store.makeEndpoint(tenant: "a")
            try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_1")
            try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_2")
            let first = try #require(
                try await store.claimWebhookDeliveries(limit: 1, leaseDuration: .seconds(30), now: t0).first
            )
            try await store.recordWebhookAttempt(
                first.id,
                result: WebhookAttemptResult(
                    statusCode: 410,
                    error: nil,
                    duration: .milliseconds(1),
                    outcome: .disableEndpoint
                ),
                now: t0
            )
            let disabled = try #require(try await store.webhookEndpoint(endpoint.id, tenant: "a"))
            #expect(disabled.disabledAt == t0)
            #expect(disabled.disabledReason == "gone")
            let log = try #require(
                try await store.webhookDeliveries(endpoint: endpoint.id, tenant: "a", after: nil, limit: 10)
            )
            #expect(log.map(\.state) == [.failed, .failed])
            #expect(try await store.claimWebhookDeliveries(limit: 10, leaseDuration: .seconds(30), now: t0).isEmpty)
            // The tenant has no active endpoint any more: the next event writes nothing.
            #expect(try await store.recordEvent(.jobFailed, tenant: "a", subject: "job_3") == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func rotateSecret_keepsTheOldOneSigningFor24Hours() async throws {
        try await withStore { store, _ in
            let endpoint = try await store.makeEndpoint(tenant: "a")
            let rotated = try #require(try await store.rotateWebhookEndpointSecret(endpoint.id, tenant: "a", now: t0))
            #expect(rotated.secret != endpoint.secret)
            #expect(rotated.secret.hasPrefix("whsec_"))
            #expect(rotated.previousSecretExpiresAt == t0.addingTimeInterval(86_400))

            try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_1", now: t0.addingTimeInterval(3600))
            let early = try #require(
                try await store.claimWebhookDeliveries(
                    limit: 1,
                    leaseDuration: .seconds(30),
                    now: t0.addingTimeInterval(3600)
                )
                .first
            )
            #expect(early.secrets == [rotated.secret, endpoint.secret])
            let late = try #require(
                try await store.claimWebhookDeliveries(
                    limit: 1,
                    leaseDuration: .seconds(30),
                    now: t0.addingTimeInterval(86_401)
                ).first
            )
            #expect(late.secrets == [rotated.secret])
            #expect(try await store.rotateWebhookEndpointSecret(endpoint.id, tenant: "b", now: t0) == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func recordEvent_respectsTheEndpointsEventFilter() async throws {
        try await withStore { store, _ in
            let batches = try await store.createWebhookEndpoint(
                NewWebhookEndpoint(url: "https://example.com/batches", events: [.batchCompleted, .batchFailed]),
                tenant: "a",
                idempotencyKey: nil,
                now: t0
            )
            _ = try await store.makeEndpoint(tenant: "a")
            #expect(batches.events == [.batchCompleted, .batchFailed])
            #expect(try await store.recordEvent(.batchFailed, tenant: "a", subject: "batch_1") == 2)
            #expect(try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_1") == 1)
            let log = try #require(
                try await store.webhookDeliveries(endpoint: batches.id, tenant: "a", after: nil, limit: 10)
            )
            #expect(log.map(\.eventType) == [.batchFailed])
        }
    }

    @Test(.timeLimit(.minutes(1))) func deleteEndpoint_hidesIt_failsPending_andStopsEvents() async throws {
        try await withStore { store, _ in
            let endpoint = try await store.makeEndpoint(tenant: "a")
            try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_1")
            #expect(try await store.deleteWebhookEndpoint(endpoint.id, tenant: "b", now: t0) == false)
            #expect(try await store.deleteWebhookEndpoint(endpoint.id, tenant: "a", now: t0))
            #expect(try await store.webhookEndpoint(endpoint.id, tenant: "a") == nil)
            #expect(try await store.webhookEndpoints(tenant: "a", after: nil, limit: 10).isEmpty)
            #expect(try await store.claimWebhookDeliveries(limit: 10, leaseDuration: .seconds(30), now: t0).isEmpty)
            #expect(try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_2") == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func webhookDeliveriesDue_yieldsAfterAnEventIsRecorded() async throws {
        try await withStore { store, _ in
            _ = try await store.makeEndpoint(tenant: "a")
            let due = store.webhookDeliveriesDue()
            try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_1")
            var iterator = due.makeAsyncIterator()
            #expect(await iterator.next() != nil)
            #expect(try await store.claimWebhookDeliveries(limit: 10, leaseDuration: .seconds(30), now: t0).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func endpointsAndDeliveryLog_pageNewestFirst() async throws {
        try await withStore { store, _ in
            let first = try await store.makeEndpoint(tenant: "a")
            let second = try await store.makeEndpoint(tenant: "a")
            let page = try await store.webhookEndpoints(tenant: "a", after: nil, limit: 1)
            #expect(page.map(\.id) == [second.id])
            #expect(try await store.webhookEndpoints(tenant: "a", after: second.id, limit: 5).map(\.id) == [first.id])
            for n in 1...3 { try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_\(n)") }
            let log = try #require(
                try await store.webhookDeliveries(endpoint: first.id, tenant: "a", after: nil, limit: 2)
            )
            #expect(log.map(\.subject) == ["job_3", "job_2"])
            let rest = try #require(
                try await store.webhookDeliveries(endpoint: first.id, tenant: "a", after: log[1].id, limit: 2)
            )
            #expect(rest.map(\.subject) == ["job_1"])
            #expect(try await store.webhookDeliveries(endpoint: first.id, tenant: "b", after: nil, limit: 2) == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func oneOffURL_getsItsOwnDelivery_signedWithTheTenantsOneOffSecret() async throws {
        try await withStore { store, _ in
            #expect(
                try await store.recordEvent(
                    .jobCompleted,
                    tenant: "a",
                    subject: "job_1",
                    url: "https://example.com/once"
                )
                    == 1
            )
            let secret = try await store.oneOffWebhookSecret(tenant: "a", now: t0)
            #expect(secret.hasPrefix("whsec_"))
            let delivery = try #require(
                try await store.claimWebhookDeliveries(limit: 1, leaseDuration: .seconds(30), now: t0).first
            )
            #expect(delivery.url == "https://example.com/once")
            #expect(delivery.endpointID == nil)
            #expect(delivery.secrets == [secret])
            let rotated = try await store.rotateOneOffWebhookSecret(tenant: "a", now: t0)
            #expect(rotated != secret)
            #expect(try await store.oneOffWebhookSecret(tenant: "a", now: t0) == rotated)
        }
    }

    @Test(.timeLimit(.minutes(1))) func pruneHistory_deletesOldEventsWhoseDeliveriesAreFinal_only() async throws {
        try await withStore { store, _ in
            let endpoint = try await store.makeEndpoint(tenant: "a")
            try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_1")  // delivered, old
            try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_2")  // still pending, old
            let delivered = try #require(
                try await store.claimWebhookDeliveries(limit: 1, leaseDuration: .seconds(30), now: t0).first
            )
            try await store.recordWebhookAttempt(
                delivered.id,
                result: WebhookAttemptResult(statusCode: 200, error: nil, duration: .zero, outcome: .delivered),
                now: t0
            )
            let later = t0.addingTimeInterval(31 * 86_400)
            try await store.recordEvent(.jobCompleted, tenant: "a", subject: "job_3", now: later)  // recent

            #expect(try await store.pruneWebhookHistory(now: later) == 1)
            #expect(try await store.rowCount("webhook_attempts") == 0)
            let log = try #require(
                try await store.webhookDeliveries(endpoint: endpoint.id, tenant: "a", after: nil, limit: 10)
            )
            #expect(log.map(\.subject) == ["job_3", "job_2"])
            #expect(try await store.pruneWebhookHistory(now: later) == 0)
        }
    }

    @Test func sanitizedError_dropsControlCharacters_andTruncates() {
        #expect(StoreWrites.sanitizedError("a\r\nb\u{1B}c") == "a  b c")
        #expect(StoreWrites.sanitizedError(String(repeating: "x", count: 500)).count == 200)
    }
}

extension JobStore {
    /// An active endpoint for every event type.
    func makeEndpoint(tenant: String, url: String = "https://example.com/hook") async throws -> WebhookEndpoint {
        try await createWebhookEndpoint(NewWebhookEndpoint(url: url), tenant: tenant, idempotencyKey: nil, now: t0)
    }

    /// Records an event through the outbox write, in its own transaction; returns the deliveries made.
    @discardableResult
    func recordEvent(
        _ type: WebhookEventType,
        tenant: String,
        subject: String,
        url: String? = nil,
        now: Date = t0
    ) async throws -> Int {
        let now = now.unixMilliseconds
        let outbox = webhookOutbox
        return try await writer.write { db in
            try StoreWrites(db: db, webhooks: outbox).recordWebhookEvent(
                type: type,
                tenant: tenant,
                subject: subject,
                jobWebhookURL: url,
                now: now
            )
        }
    }

    /// The number of rows of a table.
    func rowCount(_ table: String) async throws -> Int {
        try await readers.read { db in
            try db.withStatement("SELECT count(*) FROM \(table)") { statement in
                _ = try statement.step()
                return statement.int(at: 0)
            }
        }
    }
}
