import struct Foundation.Data
import struct Foundation.Date

/// The webhook reads: endpoints, secrets and the delivery log.
extension StoreReads {
    /// Every tenant with an endpoint that is neither disabled nor deleted (the outbox's in-memory set).
    func tenantsWithActiveWebhookEndpoints() throws -> Set<String> {
        try db.withStatement(
            "SELECT DISTINCT tenant FROM webhook_endpoints WHERE deleted_at IS NULL AND disabled_at IS NULL"
        ) { statement in
            var tenants: Set<String> = []
            while try statement.step() { tenants.insert(statement.string(at: 0)) }
            return tenants
        }
    }

    func hasActiveWebhookEndpoint(tenant: String) throws -> Bool {
        try db.withStatement(
            "SELECT 1 FROM webhook_endpoints WHERE tenant = ?1 AND deleted_at IS NULL AND disabled_at IS NULL LIMIT 1"
        ) { statement in
            try statement.bind(tenant, at: 1)
            return try statement.step()
        }
    }

    func webhookURL(ofJob id: JobID) throws -> String? {
        try db.withStatement("SELECT webhook_url FROM jobs WHERE id = ?1") { statement in
            try statement.bind(id.rawValue, at: 1)
            return try statement.step() ? statement.optionalString(at: 0) : nil
        }
    }

    // MARK: Endpoints

    func webhookEndpoint(_ id: WebhookEndpointID, tenant: String) throws -> WebhookEndpoint? {
        let sql = """
            SELECT \(Self.endpointColumns) FROM webhook_endpoints WHERE id = ?1 AND tenant = ?2 AND deleted_at IS NULL
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(id.rawValue, at: 1)
            try statement.bind(tenant, at: 2)
            return try statement.step() ? Self.endpoint(statement) : nil
        }
    }

    func webhookEndpoint(tenant: String, idempotencyKey: String) throws -> WebhookEndpoint? {
        let sql = """
            SELECT \(Self.endpointColumns) FROM webhook_endpoints WHERE tenant = ?1 AND idempotency_key = ?2
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(idempotencyKey, at: 2)
            return try statement.step() ? Self.endpoint(statement) : nil
        }
    }

    func webhookEndpointRequestHash(tenant: String, idempotencyKey: String) throws -> Data? {
        let sql = "SELECT request_hash FROM webhook_endpoints WHERE tenant = ?1 AND idempotency_key = ?2"
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(idempotencyKey, at: 2)
            return try statement.step() ? statement.optionalData(at: 0) : nil
        }
    }

    /// The tenant's endpoints (not deleted), newest first; `after` is a cursor (ids older than it).
    func webhookEndpoints(tenant: String, after: WebhookEndpointID?, limit: Int) throws -> [WebhookEndpoint] {
        let sql = """
            SELECT \(Self.endpointColumns) FROM webhook_endpoints
            WHERE tenant = ?1 AND deleted_at IS NULL AND id < ?2 ORDER BY id DESC LIMIT ?3
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(after?.rawValue ?? Int64.max, at: 2)
            try statement.bind(max(0, limit), at: 3)
            var endpoints: [WebhookEndpoint] = []
            while try statement.step() { endpoints.append(Self.endpoint(statement)) }
            return endpoints
        }
    }

    /// The secrets that sign the endpoint's deliveries (current first, then a rotated-out one still valid);
    /// nil when the endpoint is disabled or deleted.
    func endpointSecrets(_ id: Int64, now: Int64) throws -> [String]? {
        let sql = """
            SELECT secret, previous_secret, previous_secret_expires_at FROM webhook_endpoints
            WHERE id = ?1 AND deleted_at IS NULL AND disabled_at IS NULL
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(id, at: 1)
            return try statement.step() ? Self.secrets(statement, now: now) : nil
        }
    }

    /// The secrets that sign the tenant's one-off deliveries; nil when it has none yet.
    func oneOffWebhookSecrets(tenant: String, now: Int64) throws -> [String]? {
        let sql = "SELECT secret, previous_secret, previous_secret_expires_at FROM webhook_secrets WHERE tenant = ?1"
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            return try statement.step() ? Self.secrets(statement, now: now) : nil
        }
    }

    // MARK: The delivery log

    /// The endpoint's deliveries, newest first; `after` is a cursor (ids older than it). Nil when the endpoint
    /// is not the tenant's (or deleted).
    func webhookDeliveries(
        endpoint: WebhookEndpointID,
        tenant: String,
        after: Int64?,
        limit: Int
    ) throws -> [WebhookDeliveryRecord]? {
        guard try webhookEndpoint(endpoint, tenant: tenant) != nil else { return nil }
        let sql = """
            SELECT d.id, e.event_id, e.type, e.subject, d.state, d.attempts, d.last_status, d.last_error,
                d.next_attempt_at, d.delivered_at, d.created_at
            FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event
            WHERE d.endpoint_id IS NOT NULL AND d.endpoint_id = ?1 AND d.id < ?2
            ORDER BY d.id DESC LIMIT ?3
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(endpoint.rawValue, at: 1)
            try statement.bind(after ?? Int64.max, at: 2)
            try statement.bind(max(0, limit), at: 3)
            var records: [WebhookDeliveryRecord] = []
            while try statement.step() {
                let state = WebhookDeliveryState(rawValue: statement.string(at: 4)) ?? .failed
                records.append(
                    WebhookDeliveryRecord(
                        id: statement.int64(at: 0),
                        eventID: statement.string(at: 1),
                        eventType: WebhookEventType(rawValue: statement.string(at: 2)) ?? .jobFailed,
                        subject: statement.string(at: 3),
                        state: state,
                        attempts: statement.int(at: 5),
                        lastStatus: statement.optionalInt(at: 6),
                        lastError: statement.optionalString(at: 7),
                        nextAttemptAt: state == .pending
                            ? statement.optionalInt64(at: 8).map(Date.init(unixMilliseconds:)) : nil,
                        deliveredAt: statement.optionalInt64(at: 9).map(Date.init(unixMilliseconds:)),
                        createdAt: Date(unixMilliseconds: statement.int64(at: 10))
                    )
                )
            }
            return records
        }
    }

    /// The earliest `next_attempt_at` among pending deliveries and leases of delivering ones.
    func nextWebhookDeliveryDue() throws -> Int64? {
        try db.withStatement(
            "SELECT min(next_attempt_at) FROM webhook_deliveries WHERE state IN ('pending','delivering')"
        ) { statement in
            try statement.step() ? statement.optionalInt64(at: 0) : nil
        }
    }

    // MARK: Rows

    /// The `events` column for a filter: the types between commas (`,a.b,c.d,`), so `instr` finds `,type,`.
    static func webhookEventFilter(_ types: [WebhookEventType]) -> String {
        "," + types.map(\.rawValue).joined(separator: ",") + ","
    }

    private static let endpointColumns = """
        id, tenant, url, secret, events, description, created_at, previous_secret_expires_at, disabled_at,
        disabled_reason
        """

    private static func endpoint(_ row: SQLiteStatement) -> WebhookEndpoint {
        WebhookEndpoint(
            id: WebhookEndpointID(row.int64(at: 0)),
            tenant: row.string(at: 1),
            url: row.string(at: 2),
            secret: row.string(at: 3),
            events: row.optionalString(at: 4).map { filter in
                filter.split(separator: ",").compactMap { WebhookEventType(rawValue: String($0)) }
            },
            description: row.optionalString(at: 5),
            createdAt: Date(unixMilliseconds: row.int64(at: 6)),
            previousSecretExpiresAt: row.optionalInt64(at: 7).map(Date.init(unixMilliseconds:)),
            disabledAt: row.optionalInt64(at: 8).map(Date.init(unixMilliseconds:)),
            disabledReason: row.optionalString(at: 9)
        )
    }

    private static func secrets(_ row: SQLiteStatement, now: Int64) -> [String] {
        var secrets = [row.string(at: 0)]
        if let previous = row.optionalString(at: 1), let until = row.optionalInt64(at: 2), until > now {
            secrets.append(previous)
        }
        return secrets
    }
}
