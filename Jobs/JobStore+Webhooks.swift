package import Foundation

/// Webhooks: the endpoints of a tenant, the one-off secret, the delivery log, and the deliverer's contract.
///
/// The outbox is written by the job and batch transitions themselves (``StoreWrites/recordWebhookEvent``), in
/// the transaction of the final state change; nothing here writes events.
///
/// ```swift
/// for await _ in store.webhookDeliveriesDue() {
///     for delivery in try await store.claimWebhookDeliveries(limit: 16, leaseDuration: .seconds(60)) {
///         let result = await send(delivery)   // sign with delivery.secrets, POST delivery.payload
///         try await store.recordWebhookAttempt(delivery.id, result: result)
///     }
/// }
/// ```
extension JobStore {
    // MARK: The deliverer

    /// Claims up to `limit` deliveries that are due, or whose lease expired (a crashed or slow deliverer's):
    /// each is `delivering` until `now + leaseDuration`, then claimable again. Oldest due first.
    package func claimWebhookDeliveries(
        limit: Int,
        leaseDuration: Duration,
        now: Date = Date()
    ) async throws -> [WebhookDelivery] {
        let now = now.unixMilliseconds
        let lease = leaseDuration.wholeMilliseconds
        let outbox = webhookOutbox
        return try await writer.write { db in
            try StoreWrites(db: db, webhooks: outbox).claimWebhookDeliveries(
                limit: limit,
                leaseMilliseconds: lease,
                now: now
            )
        }
    }

    /// Logs an attempt and moves its delivery: `delivered` (final), `retry(at:)` (pending again), `failed`
    /// (final), or `disableEndpoint` (final; the endpoint is disabled and its pending deliveries fail).
    /// A delivery that is no longer `delivering` is left as it is.
    package func recordWebhookAttempt(
        _ deliveryID: Int64,
        result: WebhookAttemptResult,
        now: Date = Date()
    )
        async throws
    {
        let now = now.unixMilliseconds
        let outbox = webhookOutbox
        try await writer.write { db in
            try StoreWrites(db: db, webhooks: outbox).recordWebhookAttempt(deliveryID, result: result, now: now)
        }
        // A 410 may have disabled the endpoint; reload the tenant set after the commit.
        if case .disableEndpoint = result.outcome { outbox.invalidate() }
    }

    /// The earliest time a delivery becomes due: the next attempt of a pending one, or the lease end of one being
    /// delivered. Nil when there is nothing to deliver. Serialized behind pending writes (it runs on the writer),
    /// so it sees every delivery a wake-up announced.
    package func nextWebhookDeliveryDue() async throws -> Date? {
        try await writer.write { db in
            try StoreReads(db: db).nextWebhookDeliveryDue().map(Date.init(unixMilliseconds:))
        }
    }

    /// A stream that yields after writes that added deliveries (events recorded, retries scheduled are not
    /// announced: wait for ``nextWebhookDeliveryDue()``). The element may arrive just before the commit; the
    /// next claim runs after it. Each call returns a new subscription. Ends when the store closes.
    package func webhookDeliveriesDue() -> AsyncStream<Void> { webhookOutbox.subscribe() }

    // MARK: Endpoints (tenant-scoped: another tenant's id reads as nil)

    /// Creates an endpoint with a fresh `whsec_` secret. With an idempotency key the tenant already used, returns
    /// the original endpoint, or throws `JobsError.Code.idempotencyKeyReused` when `requestHash` (SHA-256 of the
    /// create request) differs from the original's. Creates the tenant when it does not exist yet.
    package func createWebhookEndpoint(
        _ endpoint: NewWebhookEndpoint,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data? = nil,
        now: Date = Date()
    ) async throws -> WebhookEndpoint {
        let now = now.unixMilliseconds
        let outbox = webhookOutbox
        defer { outbox.invalidate() }
        return try await writer.write { db in
            try StoreWrites(db: db, webhooks: outbox).createWebhookEndpoint(
                endpoint,
                tenant: tenant,
                idempotencyKey: idempotencyKey,
                requestHash: requestHash,
                now: now
            )
        }
    }

    package func webhookEndpoint(_ id: WebhookEndpointID, tenant: String) async throws -> WebhookEndpoint? {
        try await readers.read { db in try StoreReads(db: db).webhookEndpoint(id, tenant: tenant) }
    }

    /// Newest first; `after` is a cursor (ids older than it).
    package func webhookEndpoints(
        tenant: String,
        after: WebhookEndpointID?,
        limit: Int
    ) async throws
        -> [WebhookEndpoint]
    {
        try await readers.read { db in
            try StoreReads(db: db).webhookEndpoints(tenant: tenant, after: after, limit: limit)
        }
    }

    /// Deletes the endpoint (it disappears from the API; its pending deliveries fail). False if not the tenant's.
    package func deleteWebhookEndpoint(
        _ id: WebhookEndpointID,
        tenant: String,
        now: Date = Date()
    ) async throws
        -> Bool
    {
        let now = now.unixMilliseconds
        let outbox = webhookOutbox
        defer { outbox.invalidate() }
        return try await writer.write { db in
            try StoreWrites(db: db, webhooks: outbox).deleteWebhookEndpoint(id, tenant: tenant, now: now)
        }
    }

    /// Gives the endpoint a new secret; the previous one keeps signing for 24 hours. Nil if not the tenant's.
    package func rotateWebhookEndpointSecret(
        _ id: WebhookEndpointID,
        tenant: String,
        now: Date = Date()
    )
        async throws -> WebhookEndpoint?
    {
        let now = now.unixMilliseconds
        return try await writer.write { db in
            try StoreWrites(db: db).rotateWebhookEndpointSecret(id, tenant: tenant, now: now)
        }
    }

    /// The endpoint's delivery log, newest first; `after` is a cursor (delivery ids older than it).
    /// Nil when the endpoint is not the tenant's.
    package func webhookDeliveries(
        endpoint: WebhookEndpointID,
        tenant: String,
        after: Int64?,
        limit: Int
    ) async throws -> [WebhookDeliveryRecord]? {
        try await readers.read { db in
            try StoreReads(db: db).webhookDeliveries(endpoint: endpoint, tenant: tenant, after: after, limit: limit)
        }
    }

    // MARK: History

    /// How long webhook history (events, deliveries, attempts) is kept once every delivery of an event is final:
    /// 30 days.
    package static let defaultWebhookRetention: Duration = .seconds(30 * 86_400)

    /// Deletes webhook events recorded more than `retention` before `now` whose deliveries are all final, with
    /// their deliveries and attempts (the delivery log forgets them), at most `limit` per call. Returns how many
    /// events were deleted; maintenance calls it every pass.
    package func pruneWebhookHistory(
        retention: Duration = JobStore.defaultWebhookRetention,
        limit: Int = 1_000,
        now: Date = Date()
    ) async throws -> Int {
        let cutoff = now.unixMilliseconds - retention.wholeMilliseconds
        return try await writer.write { db in
            try StoreWrites(db: db).pruneWebhookHistory(before: cutoff, limit: limit)
        }
    }

    // MARK: One-off URLs

    /// The tenant's secret that signs deliveries to jobs' own `webhook_url`s, created on first use.
    package func oneOffWebhookSecret(tenant: String, now: Date = Date()) async throws -> String {
        let now = now.unixMilliseconds
        return try await writer.write { db in try StoreWrites(db: db).oneOffWebhookSecret(tenant: tenant, now: now) }
    }

    /// Gives the tenant a new one-off secret; the previous one keeps signing for 24 hours.
    package func rotateOneOffWebhookSecret(tenant: String, now: Date = Date()) async throws -> String {
        let now = now.unixMilliseconds
        return try await writer.write { db in
            try StoreWrites(db: db).rotateOneOffWebhookSecret(tenant: tenant, now: now)
        }
    }
}

extension JobStore {
    /// The transitions' writes, with the webhook outbox's in-memory tenant set and wake-up.
    func writes(_ db: SQLiteConnection) -> StoreWrites { StoreWrites(db: db, webhooks: webhookOutbox) }
}
