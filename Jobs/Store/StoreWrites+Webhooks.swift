import struct Foundation.Data
import struct Foundation.Date

/// The webhook writes: the outbox (events and their deliveries, in the transaction of the final transition),
/// the deliverer's claim and attempt records, and the endpoints.
extension StoreWrites {
    // MARK: The outbox

    /// Records the event of a job that became final in this transaction: `job.completed` or `job.failed` to the
    /// tenant's endpoints for a job outside a batch, and to the job's own `webhook_url` whatever its batch.
    /// Writes and looks up nothing for a batch job without a URL, or a tenant without active endpoints and a job
    /// without a URL (the tenant check is in memory when ``webhooks`` is set).
    func recordJobFinal(
        _ id: JobID,
        tenant: String,
        batch: Int64?,
        webhookURL: String?,
        state: JobState,
        now: Int64
    )
        throws
    {
        guard let type = WebhookEventType(finalJobState: state) else { return }
        // Decide before building anything: this runs for every job that becomes final.
        let endpoints = batch == nil ? try tenantHasActiveWebhookEndpoints(tenant) : false
        guard endpoints || webhookURL != nil else { return }
        try insertWebhookEvent(
            type: type,
            tenant: tenant,
            subject: id.description,
            jobWebhookURL: webhookURL,
            endpoints: endpoints,
            now: now
        )
    }

    /// ``recordJobFinal(_:tenant:batch:webhookURL:state:now:)`` for a path that does not have the job's URL at
    /// hand (cancel): reads it only when the event could matter.
    func recordJobFinal(_ id: JobID, tenant: String, batch: Int64?, state: JobState, now: Int64) throws {
        let url = try StoreReads(db: db).webhookURL(ofJob: id)
        try recordJobFinal(id, tenant: tenant, batch: batch, webhookURL: url, state: state, now: now)
    }

    /// Records the event of a batch that reached a final status in this transaction (`batch.completed`,
    /// `batch.failed`, `batch.expired`, `batch.cancelled`); does nothing for a status that is not final.
    /// Call it from every write that sets a batch's final status.
    func recordBatchFinal(_ id: BatchID, tenant: String, status: BatchStatus, now: Int64) throws {
        guard let type = WebhookEventType(finalBatchStatus: status) else { return }
        try recordWebhookEvent(type: type, tenant: tenant, subject: id.description, jobWebhookURL: nil, now: now)
    }

    /// The one outbox write: an event row with its exact payload (OpenAI's event shape) and one pending delivery
    /// per active endpoint of the tenant subscribed to `type` (when `toEndpoints`), plus one to `jobWebhookURL`.
    /// Writes nothing when no delivery would be made. Wakes the deliverer. Returns the number of deliveries.
    @discardableResult
    func recordWebhookEvent(
        type: WebhookEventType,
        tenant: String,
        subject: String,
        jobWebhookURL: String?,
        toEndpoints: Bool = true,
        now: Int64
    ) throws -> Int {
        let endpoints = toEndpoints ? try tenantHasActiveWebhookEndpoints(tenant) : false
        guard endpoints || jobWebhookURL != nil else { return 0 }
        return try insertWebhookEvent(
            type: type,
            tenant: tenant,
            subject: subject,
            jobWebhookURL: jobWebhookURL,
            endpoints: endpoints,
            now: now
        )
    }

    /// Writes the event and its deliveries: to the tenant's subscribed endpoints when `endpoints` (the caller
    /// checked the tenant has active ones), and to `jobWebhookURL`. Deletes the event again when no delivery was
    /// made (every endpoint filters the type out).
    @discardableResult
    private func insertWebhookEvent(
        type: WebhookEventType,
        tenant: String,
        subject: String,
        jobWebhookURL: String?,
        endpoints: Bool,
        now: Int64
    ) throws -> Int {
        let eventID = WebhookSecret.eventID()
        let payload = WebhookPayload.event(id: eventID, type: type, createdAt: now, subject: subject)
        try db.run(Self.insertEventSQL) {
            try $0.bind(eventID, at: 1)
            try $0.bind(tenant, at: 2)
            try $0.bind(type.rawValue, at: 3)
            try $0.bind(subject, at: 4)
            try $0.bind(payload, at: 5)
            try $0.bind(now, at: 6)
        }
        let event = db.lastInsertRowID
        var deliveries = 0
        if endpoints {
            deliveries += try db.run(Self.insertEndpointDeliveriesSQL) {
                try $0.bind(event, at: 1)
                try $0.bind(now, at: 2)
                try $0.bind(tenant, at: 3)
                try $0.bind(",\(type.rawValue),", at: 4)
            }
        }
        if let jobWebhookURL {
            try ensureOneOffWebhookSecret(tenant: tenant, now: now)
            deliveries += try db.run(Self.insertOneOffDeliverySQL) {
                try $0.bind(event, at: 1)
                try $0.bind(jobWebhookURL, at: 2)
                try $0.bind(now, at: 3)
            }
        }
        if deliveries == 0 {
            try db.run("DELETE FROM webhook_events WHERE id = ?1") { try $0.bind(event, at: 1) }
        } else {
            webhooks?.deliveriesAdded()
        }
        return deliveries
    }

    /// Whether the tenant has an active endpoint: in memory with ``webhooks``, else one indexed lookup.
    func tenantHasActiveWebhookEndpoints(_ tenant: String) throws -> Bool {
        if let webhooks { return try webhooks.hasActiveEndpoints(tenant: tenant, db: db) }
        return try StoreReads(db: db).hasActiveWebhookEndpoint(tenant: tenant)
    }

    /// Stores a job's one-off webhook URL (after its insert) and makes sure the tenant has the secret that signs
    /// one-off deliveries.
    func setJobWebhookURL(_ id: JobID, url: String, tenant: String, now: Int64) throws {
        try db.run("UPDATE jobs SET webhook_url = ?1 WHERE id = ?2 AND webhook_url IS NULL") {
            try $0.bind(url, at: 1)
            try $0.bind(id.rawValue, at: 2)
        }
        try ensureOneOffWebhookSecret(tenant: tenant, now: now)
    }

    // MARK: The deliverer

    /// Claims up to `limit` deliveries that are due (`pending` with `next_attempt_at <= now`) or whose lease
    /// expired (`delivering` past `next_attempt_at`): each becomes `delivering` until `now + lease`.
    func claimWebhookDeliveries(limit: Int, leaseMilliseconds: Int64, now: Int64) throws -> [WebhookDelivery] {
        struct Row {
            var delivery: WebhookDelivery
            var tenant: String
        }
        let rows = try db.withStatement(Self.dueDeliveriesSQL) { statement in
            try statement.bind(now, at: 1)
            try statement.bind(max(0, limit), at: 2)
            var rows: [Row] = []
            while try statement.step() {
                let delivery = WebhookDelivery(
                    id: statement.int64(at: 0),
                    messageID: statement.string(at: 1),
                    url: statement.string(at: 2),
                    secrets: [],
                    payload: statement.data(at: 5),
                    attempt: statement.int(at: 3),
                    endpointID: statement.optionalInt64(at: 4),
                    createdAt: Date(unixMilliseconds: statement.int64(at: 6))
                )
                rows.append(Row(delivery: delivery, tenant: statement.string(at: 7)))
            }
            return rows
        }
        let reads = StoreReads(db: db)
        var claimed: [WebhookDelivery] = []
        for row in rows {
            var delivery = row.delivery
            let secrets =
                if let endpoint = delivery.endpointID {
                    try reads.endpointSecrets(endpoint, now: now)
                } else {
                    try reads.oneOffWebhookSecrets(tenant: row.tenant, now: now)
                }
            guard let secrets, !secrets.isEmpty else {
                // The endpoint is gone (deleted or disabled after the delivery was written): nothing to send.
                try finishDelivery(delivery.id, state: .failed, error: "endpoint disabled", now: now)
                continue
            }
            delivery.secrets = secrets
            try db.run(Self.claimDeliverySQL) {
                try $0.bind(now + leaseMilliseconds, at: 1)
                try $0.bind(now, at: 2)
                try $0.bind(delivery.id, at: 3)
            }
            claimed.append(delivery)
        }
        return claimed
    }

    /// Logs one attempt of a `delivering` delivery and moves it as `result.outcome` says; a delivery that is not
    /// `delivering` any more (already final) is left as it is. `disableEndpoint` disables the endpoint and fails
    /// its pending deliveries.
    func recordWebhookAttempt(_ deliveryID: Int64, result: WebhookAttemptResult, now: Int64) throws {
        let current = try db.withStatement(
            "SELECT attempts, endpoint_id FROM webhook_deliveries WHERE id = ?1 AND state = 'delivering'"
        ) { statement -> (attempts: Int, endpoint: Int64?)? in
            try statement.bind(deliveryID, at: 1)
            return try statement.step() ? (statement.int(at: 0), statement.optionalInt64(at: 1)) : nil
        }
        guard let current else { return }
        let attempt = current.attempts + 1
        let error = result.error.map(Self.sanitizedError)
        try db.run(Self.insertAttemptSQL) {
            try $0.bind(deliveryID, at: 1)
            try $0.bind(attempt, at: 2)
            try $0.bind(now, at: 3)
            try $0.bind(result.statusCode, at: 4)
            try $0.bind(max(0, result.duration.wholeMilliseconds), at: 5)
            try $0.bind(error, at: 6)
        }
        let (state, next): (WebhookDeliveryState, Int64?) =
            switch result.outcome {
            case .delivered: (.delivered, nil)
            case .retry(let at): (.pending, at.unixMilliseconds)
            case .failed, .disableEndpoint: (.failed, nil)
            }
        try db.run(Self.recordAttemptSQL) {
            try $0.bind(state.rawValue, at: 1)
            try $0.bind(attempt, at: 2)
            try $0.bind(next, at: 3)
            try $0.bind(result.statusCode, at: 4)
            try $0.bind(error, at: 5)
            try $0.bind(now, at: 6)
            try $0.bind(deliveryID, at: 7)
        }
        if case .disableEndpoint = result.outcome, let endpoint = current.endpoint {
            try disableWebhookEndpoint(endpoint, reason: "gone", now: now)
        }
    }

    private func finishDelivery(_ id: Int64, state: WebhookDeliveryState, error: String?, now: Int64) throws {
        try db.run(Self.recordAttemptSQL) {
            try $0.bind(state.rawValue, at: 1)
            try $0.bind(nil as Int?, at: 2)
            try $0.bindNull(at: 3)
            try $0.bindNull(at: 4)
            try $0.bind(error, at: 5)
            try $0.bind(now, at: 6)
            try $0.bind(id, at: 7)
        }
    }

    /// Keeps at most ``WebhookAttemptResult/maxErrorLength`` characters, without control characters.
    static func sanitizedError(_ error: String) -> String {
        let cleaned = error.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : String($0) }
        return String(cleaned.joined().prefix(WebhookAttemptResult.maxErrorLength))
    }

    // MARK: History

    /// Deletes old webhook history: among the `limit` oldest events, each one recorded before `cutoff` whose
    /// deliveries are all final goes, with its deliveries and their attempts. Looks at `limit` rows at most, so a
    /// pass costs the same whatever the table holds. Returns how many events were deleted.
    func pruneWebhookHistory(before cutoff: Int64, limit: Int) throws -> Int {
        let candidates = try db.withStatement("SELECT id, created_at FROM webhook_events ORDER BY id LIMIT ?1") {
            statement in
            try statement.bind(max(0, limit), at: 1)
            var ids: [Int64] = []
            while try statement.step() {
                if statement.int64(at: 1) < cutoff { ids.append(statement.int64(at: 0)) }
            }
            return ids
        }
        var pruned = 0
        for event in candidates {
            let open = try db.withStatement(Self.openDeliveryOfEventSQL) { statement in
                try statement.bind(event, at: 1)
                return try statement.step()
            }
            guard !open else { continue }
            for sql in [Self.deleteAttemptsOfEventSQL, Self.deleteDeliveriesOfEventSQL, Self.deleteEventSQL] {
                try db.run(sql) { try $0.bind(event, at: 1) }
            }
            pruned += 1
        }
        return pruned
    }

    // MARK: Endpoints

    /// Inserts an endpoint with a fresh secret. With an idempotency key the tenant already used, returns the
    /// original endpoint (with its secret) and inserts nothing, or throws `JobsError.Code.idempotencyKeyReused`
    /// when `requestHash` differs from the original's.
    func createWebhookEndpoint(
        _ endpoint: NewWebhookEndpoint,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data?,
        now: Int64
    ) throws -> WebhookEndpoint {
        let reads = StoreReads(db: db)
        if let idempotencyKey, let existing = try reads.webhookEndpoint(tenant: tenant, idempotencyKey: idempotencyKey)
        {
            try Self.checkRequestHash(
                stored: try reads.webhookEndpointRequestHash(tenant: tenant, idempotencyKey: idempotencyKey),
                given: requestHash
            )
            return existing
        }
        try ensureTenant(tenant, now: now)
        try db.run(Self.insertEndpointSQL) {
            try $0.bind(tenant, at: 1)
            try $0.bind(endpoint.url, at: 2)
            try $0.bind(WebhookSecret.generate(), at: 3)
            try $0.bind(endpoint.events.map(StoreReads.webhookEventFilter), at: 4)
            try $0.bind(endpoint.description, at: 5)
            try $0.bind(idempotencyKey, at: 6)
            try $0.bind(now, at: 7)
            try $0.bind(requestHash, at: 8)
        }
        let id = WebhookEndpointID(db.lastInsertRowID)
        webhooks?.invalidate()
        guard let stored = try reads.webhookEndpoint(id, tenant: tenant) else {
            throw JobsError(.sqlite, message: "the inserted endpoint cannot be read back", sql: Self.insertEndpointSQL)
        }
        return stored
    }

    /// Deletes (hides) the tenant's endpoint and fails its pending deliveries. Returns false if it is not the
    /// tenant's or already deleted.
    func deleteWebhookEndpoint(_ id: WebhookEndpointID, tenant: String, now: Int64) throws -> Bool {
        let deleted = try db.run(Self.deleteEndpointSQL) {
            try $0.bind(now, at: 1)
            try $0.bind(id.rawValue, at: 2)
            try $0.bind(tenant, at: 3)
        }
        guard deleted == 1 else { return false }
        try failPendingDeliveries(ofEndpoint: id.rawValue, error: "endpoint deleted", now: now)
        webhooks?.invalidate()
        return true
    }

    /// Replaces the endpoint's secret; the old one keeps signing for ``WebhookSecret/rotationOverlap``.
    /// Returns the endpoint with its new secret, nil if it is not the tenant's.
    func rotateWebhookEndpointSecret(_ id: WebhookEndpointID, tenant: String, now: Int64) throws -> WebhookEndpoint? {
        let rotated = try db.run(Self.rotateEndpointSecretSQL) {
            try $0.bind(WebhookSecret.generate(), at: 1)
            try $0.bind(now + WebhookSecret.rotationOverlap.wholeMilliseconds, at: 2)
            try $0.bind(id.rawValue, at: 3)
            try $0.bind(tenant, at: 4)
        }
        guard rotated == 1 else { return nil }
        return try StoreReads(db: db).webhookEndpoint(id, tenant: tenant)
    }

    /// The tenant's secret for one-off job URLs, created on first use.
    func oneOffWebhookSecret(tenant: String, now: Int64) throws -> String {
        try ensureOneOffWebhookSecret(tenant: tenant, now: now)
        guard let secrets = try StoreReads(db: db).oneOffWebhookSecrets(tenant: tenant, now: now),
            let first = secrets.first
        else {
            throw JobsError(.sqlite, message: "the one-off webhook secret cannot be read back")
        }
        return first
    }

    /// Replaces the tenant's one-off secret; the old one keeps signing for ``WebhookSecret/rotationOverlap``.
    func rotateOneOffWebhookSecret(tenant: String, now: Int64) throws -> String {
        try ensureOneOffWebhookSecret(tenant: tenant, now: now)
        try db.run(Self.rotateOneOffSecretSQL) {
            try $0.bind(WebhookSecret.generate(), at: 1)
            try $0.bind(now + WebhookSecret.rotationOverlap.wholeMilliseconds, at: 2)
            try $0.bind(tenant, at: 3)
        }
        return try oneOffWebhookSecret(tenant: tenant, now: now)
    }

    private func ensureOneOffWebhookSecret(tenant: String, now: Int64) throws {
        try ensureTenant(tenant, now: now)
        try db.run(Self.insertOneOffSecretSQL) {
            try $0.bind(tenant, at: 1)
            try $0.bind(WebhookSecret.generate(), at: 2)
            try $0.bind(now, at: 3)
        }
    }

    private func disableWebhookEndpoint(_ id: Int64, reason: String, now: Int64) throws {
        try db.run(
            "UPDATE webhook_endpoints SET disabled_at = ?1, disabled_reason = ?2 WHERE id = ?3 AND disabled_at IS NULL"
        ) {
            try $0.bind(now, at: 1)
            try $0.bind(reason, at: 2)
            try $0.bind(id, at: 3)
        }
        try failPendingDeliveries(ofEndpoint: id, error: "endpoint disabled", now: now)
        webhooks?.invalidate()
    }

    private func failPendingDeliveries(ofEndpoint id: Int64, error: String, now: Int64) throws {
        try db.run(Self.failPendingOfEndpointSQL) {
            try $0.bind(error, at: 1)
            try $0.bind(now, at: 2)
            try $0.bind(id, at: 3)
        }
    }

    // MARK: SQL

    private static let openDeliveryOfEventSQL = """
        SELECT 1 FROM webhook_deliveries WHERE event = ?1 AND state IN ('pending','delivering') LIMIT 1
        """

    private static let deleteAttemptsOfEventSQL = """
        DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE event = ?1)
        """

    private static let deleteDeliveriesOfEventSQL = "DELETE FROM webhook_deliveries WHERE event = ?1"

    private static let deleteEventSQL = "DELETE FROM webhook_events WHERE id = ?1"

    private static let insertEventSQL = """
        INSERT INTO webhook_events(event_id, tenant, type, subject, payload, created_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        """

    private static let insertEndpointDeliveriesSQL = """
        INSERT INTO webhook_deliveries(event, endpoint_id, url, state, next_attempt_at, created_at, updated_at)
        SELECT ?1, id, url, 'pending', ?2, ?2, ?2 FROM webhook_endpoints
        WHERE tenant = ?3 AND deleted_at IS NULL AND disabled_at IS NULL
            AND (events IS NULL OR instr(events, ?4) > 0)
        ORDER BY id
        """

    private static let insertOneOffDeliverySQL = """
        INSERT INTO webhook_deliveries(event, endpoint_id, url, state, next_attempt_at, created_at, updated_at)
        VALUES (?1, NULL, ?2, 'pending', ?3, ?3, ?3)
        """

    // The first term repeats the partial index's WHERE so the planner can use `webhook_deliveries_due`.
    private static let dueDeliveriesSQL = """
        SELECT d.id, e.event_id, d.url, d.attempts, d.endpoint_id, e.payload, e.created_at, e.tenant
        FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event
        WHERE d.state IN ('pending','delivering') AND d.next_attempt_at <= ?1
        ORDER BY d.next_attempt_at, d.id LIMIT ?2
        """

    private static let claimDeliverySQL = """
        UPDATE webhook_deliveries SET state = 'delivering', next_attempt_at = ?1, updated_at = ?2 WHERE id = ?3
        """

    private static let insertAttemptSQL = """
        INSERT INTO webhook_attempts(delivery_id, attempt, at, status, duration_ms, error)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        """

    private static let recordAttemptSQL = """
        UPDATE webhook_deliveries SET state = ?1, attempts = coalesce(?2, attempts), next_attempt_at = ?3,
            last_status = ?4, last_error = ?5, updated_at = ?6,
            delivered_at = CASE WHEN ?1 = 'delivered' THEN ?6 ELSE NULL END
        WHERE id = ?7 AND state IN ('pending','delivering')
        """

    private static let failPendingOfEndpointSQL = """
        UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL, last_error = ?1, updated_at = ?2
        WHERE endpoint_id = ?3 AND state IN ('pending','delivering')
        """

    private static let insertEndpointSQL = """
        INSERT INTO webhook_endpoints(tenant, url, secret, events, description, idempotency_key, created_at,
            request_hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        """

    private static let deleteEndpointSQL = """
        UPDATE webhook_endpoints SET deleted_at = ?1, disabled_at = coalesce(disabled_at, ?1),
            disabled_reason = coalesce(disabled_reason, 'deleted')
        WHERE id = ?2 AND tenant = ?3 AND deleted_at IS NULL
        """

    private static let rotateEndpointSecretSQL = """
        UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = ?2, secret = ?1
        WHERE id = ?3 AND tenant = ?4 AND deleted_at IS NULL
        """

    private static let insertOneOffSecretSQL = """
        INSERT INTO webhook_secrets(tenant, secret, created_at) VALUES (?1, ?2, ?3) ON CONFLICT(tenant) DO NOTHING
        """

    private static let rotateOneOffSecretSQL = """
        UPDATE webhook_secrets SET previous_secret = secret, previous_secret_expires_at = ?2, secret = ?1
        WHERE tenant = ?3
        """
}
