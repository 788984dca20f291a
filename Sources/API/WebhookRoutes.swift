import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Jobs
import Logging
import NIOCore

/// `/v1/webhooks`: a tenant's webhook endpoints, their delivery log, and the secret of one-off job URLs.
///
/// - `POST /v1/webhooks/endpoints` `{"url", "events"?, "description"?}` → 200 the endpoint WITH its `secret`
///   (shown only here and on rotate). `Idempotency-Key` returns the original endpoint on a repeat.
/// - `GET /v1/webhooks/endpoints` (list shape, newest first, `after`/`limit`), `GET …/{id}` (no secret),
///   `DELETE …/{id}`, `POST …/{id}/rotate_secret` (the previous secret keeps signing for 24 hours),
///   `GET …/{id}/deliveries` (the delivery log, newest first, `after`/`limit`).
/// - `GET /v1/webhooks/secret` → the tenant's secret for deliveries to jobs' own `webhook_url`s (created on first
///   use); `POST /v1/webhooks/secret/rotate` replaces it (the previous one keeps signing for 24 hours).
///
/// Every URL passes `APIConfiguration.webhookURLCheck` (SSRF) first; a refused URL is a 400 naming the rule.
struct WebhookRoutes: Sendable {
    typealias Context = APIRequestContext

    /// The most characters of an endpoint's description.
    static let maxDescriptionLength = 512

    let store: JobStore
    let configuration: APIConfiguration
    let bodyReader: RequestBodyReader

    func register(on v1: RouterGroup<Context>) {
        v1.post("webhooks/endpoints", use: create)
        v1.get("webhooks/endpoints", use: list)
        v1.get("webhooks/endpoints/{id}", use: get)
        v1.delete("webhooks/endpoints/{id}", use: delete)
        v1.post("webhooks/endpoints/{id}/rotate_secret", use: rotate)
        v1.get("webhooks/endpoints/{id}/deliveries", use: deliveries)
        v1.get("webhooks/secret", use: oneOffSecret)
        v1.post("webhooks/secret/rotate", use: rotateOneOffSecret)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let idempotencyKey = try IdempotencyKey.from(request)
        let buffer = try await bodyReader.collect(request)
        let endpoint = try RequestBodyReader.withBytes(buffer) { try Self.parseEndpoint($0) }
        try await Self.checkURL(endpoint.url, param: "url", configuration: configuration)
        let requestHash = idempotencyKey.map { _ in Data(SHA256.hash(data: Data(buffer.readableBytesView))) }
        let created: WebhookEndpoint
        do {
            created = try await store.createWebhookEndpoint(
                endpoint,
                tenant: caller.tenant,
                idempotencyKey: idempotencyKey,
                requestHash: requestHash
            )
        } catch let error as JobsError where error.code == .idempotencyKeyReused {
            // Never a retryable status: the SDKs do not retry a 422.
            throw APIError(
                .unprocessableContent,
                .invalidRequest,
                message: "This Idempotency-Key was already used with a different request.",
                param: "Idempotency-Key",
                code: "idempotency_key_reused",
                headers: [HTTPField.Name("x-should-retry")!: "false"]
            )
        }
        context.logger.info("webhook endpoint created", metadata: ["webhook_endpoint_id": "\(created.id)"])
        return .json(Self.render(created, withSecret: true))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let query = ListQuery(request)
        let limit = try query.limit()
        let after = try query.id("after") { WebhookEndpointID($0) }
        var endpoints = try await store.webhookEndpoints(tenant: caller.tenant, after: after, limit: limit + 1)
        let hasMore = endpoints.count > limit
        if hasMore { endpoints.removeLast(endpoints.count - limit) }
        let writer = WireFormat.list(
            endpoints,
            hasMore: hasMore,
            id: { $0.id.description },
            item: { endpoint, w in Self.write(endpoint, withSecret: false, into: &w) }
        )
        return .json(writer)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.endpointID(context)
        guard let endpoint = try await store.webhookEndpoint(id, tenant: caller.tenant) else {
            throw Self.notFound(id.description)
        }
        return .json(Self.render(endpoint, withSecret: false))
    }

    /// `DELETE /v1/webhooks/endpoints/{id}` → `{"id","object":"webhook_endpoint.deleted","deleted":true}`; its
    /// pending deliveries are dropped (failed).
    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.endpointID(context)
        guard try await store.deleteWebhookEndpoint(id, tenant: caller.tenant) else {
            throw Self.notFound(id.description)
        }
        context.logger.info("webhook endpoint deleted", metadata: ["webhook_endpoint_id": "\(id)"])
        var writer = JSONWriter()
        writer.object { o in
            o.field("id", id.description)
            o.field("object", "webhook_endpoint.deleted")
            o.field("deleted", true)
        }
        return .json(writer)
    }

    @Sendable func rotate(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.endpointID(context)
        guard let endpoint = try await store.rotateWebhookEndpointSecret(id, tenant: caller.tenant) else {
            throw Self.notFound(id.description)
        }
        context.logger.info("webhook endpoint secret rotated", metadata: ["webhook_endpoint_id": "\(id)"])
        return .json(Self.render(endpoint, withSecret: true))
    }

    /// `GET /v1/webhooks/endpoints/{id}/deliveries?after=&limit=`: newest first, one entry per event sent (or to
    /// be sent) to the endpoint.
    @Sendable func deliveries(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try Self.endpointID(context)
        let query = ListQuery(request)
        let limit = try query.limit()
        let after = try query.id("after") { Self.deliveryID($0) }
        guard
            var records = try await store.webhookDeliveries(
                endpoint: id,
                tenant: caller.tenant,
                after: after,
                limit: limit + 1
            )
        else { throw Self.notFound(id.description) }
        let hasMore = records.count > limit
        if hasMore { records.removeLast(records.count - limit) }
        let writer = WireFormat.list(
            records,
            hasMore: hasMore,
            id: { "whdel_\($0.id)" },
            item: { record, w in Self.write(record, into: &w) }
        )
        return .json(writer)
    }

    @Sendable func oneOffSecret(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let secret = try await store.oneOffWebhookSecret(tenant: caller.tenant)
        return .json(Self.renderSecret(secret))
    }

    @Sendable func rotateOneOffSecret(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireCaller()
        let secret = try await store.rotateOneOffWebhookSecret(tenant: caller.tenant)
        context.logger.info("one-off webhook secret rotated")
        return .json(Self.renderSecret(secret))
    }

    // MARK: Parsing

    /// `{"url": string, "events"?: [type, …] | null, "description"?: string | null}`; unknown members are ignored.
    static func parseEndpoint(_ bytes: UnsafeBufferPointer<UInt8>) throws -> NewWebhookEndpoint {
        guard let document = try? JSONScanner.scan(bytes, collectLevels: 2), document.kind == .object else {
            throw APIError.invalidRequest(
                #"The request body must be a JSON object like {"url":"https://example.com/hook"}."#
            )
        }
        let view = JSONView(bytes: bytes)
        guard let urlValue = view.member("url", of: document), let url = view.string(urlValue), !url.isEmpty else {
            throw APIError.invalidRequest("`url` is required and must be a string.", param: "url")
        }
        var endpoint = NewWebhookEndpoint(url: url)
        if let value = view.member("events", of: document), value.kind != .null {
            guard value.kind == .array, !value.elements.isEmpty else {
                throw APIError.invalidRequest(
                    "`events` must be a non-empty array of event types, or null for every type.",
                    param: "events"
                )
            }
            var events: [WebhookEventType] = []
            for element in value.elements {
                guard let name = view.string(element), let type = WebhookEventType(rawValue: name) else {
                    throw APIError.invalidRequest(
                        "`events` accepts only "
                            + WebhookEventType.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + ".",
                        param: "events",
                        code: "invalid_event_type"
                    )
                }
                if !events.contains(type) { events.append(type) }
            }
            endpoint.events = events
        }
        if let value = view.member("description", of: document), value.kind != .null {
            guard let description = view.string(value), description.count <= maxDescriptionLength else {
                throw APIError.invalidRequest(
                    "`description` must be a string of at most \(maxDescriptionLength) characters.",
                    param: "description"
                )
            }
            endpoint.description = description
        }
        return endpoint
    }

    /// Runs the SSRF check; a refused URL is a 400 `invalid_webhook_url` naming the rule (never 5xx).
    static func checkURL(_ url: String, param: String, configuration: APIConfiguration) async throws {
        if let reason = await configuration.webhookURLCheck(url) {
            throw APIError.invalidRequest(
                "The webhook URL is refused: \(reason).",
                param: param,
                code: "invalid_webhook_url"
            )
        }
    }

    // MARK: Rendering

    /// `{"id":"whep_1","object":"webhook_endpoint","url":…,"events":[…]|null,"description":…|null,
    /// "status":"enabled"|"disabled","disabled_reason":…|null,"created_at":…,"disabled_at":…|null,
    /// "previous_secret_expires_at":…|null}` plus `"secret"` on create and rotate.
    static func write(_ endpoint: WebhookEndpoint, withSecret: Bool, into w: inout JSONWriter) {
        w.object { o in
            o.field("id", endpoint.id.description)
            o.field("object", "webhook_endpoint")
            o.field("url", endpoint.url)
            o.key("events")
            if let events = endpoint.events {
                o.array { a in
                    for event in events { a.string(event.rawValue) }
                }
            } else {
                o.null()
            }
            o.field("description", endpoint.description)
            o.field("status", endpoint.isDisabled ? "disabled" : "enabled")
            o.field("disabled_reason", endpoint.disabledReason)
            o.field("created_at", WireFormat.seconds(endpoint.createdAt))
            o.field("disabled_at", endpoint.disabledAt.map(WireFormat.seconds))
            o.field("previous_secret_expires_at", endpoint.previousSecretExpiresAt.map(WireFormat.seconds))
            if withSecret { o.field("secret", endpoint.secret) }
        }
    }

    static func render(_ endpoint: WebhookEndpoint, withSecret: Bool) -> JSONWriter {
        var writer = JSONWriter(capacity: 512)
        write(endpoint, withSecret: withSecret, into: &writer)
        return writer
    }

    /// `{"id":"whdel_1","object":"webhook_delivery","event_id":"evt_…","event_type":…,"subject":"job_1",
    /// "status":"pending"|"delivering"|"delivered"|"failed","attempts":…,"last_status_code":…|null,
    /// "last_error":…|null,"next_attempt_at":…|null,"delivered_at":…|null,"created_at":…}`
    static func write(_ record: WebhookDeliveryRecord, into w: inout JSONWriter) {
        w.object { o in
            o.field("id", "whdel_\(record.id)")
            o.field("object", "webhook_delivery")
            o.field("event_id", record.eventID)
            o.field("event_type", record.eventType.rawValue)
            o.field("subject", record.subject)
            o.field("status", record.state.rawValue)
            o.field("attempts", record.attempts)
            o.field("last_status_code", record.lastStatus)
            o.field("last_error", record.lastError)
            o.field("next_attempt_at", record.nextAttemptAt.map(WireFormat.seconds))
            o.field("delivered_at", record.deliveredAt.map(WireFormat.seconds))
            o.field("created_at", WireFormat.seconds(record.createdAt))
        }
    }

    /// `{"object":"webhook_secret","secret":"whsec_…"}`
    static func renderSecret(_ secret: String) -> JSONWriter {
        var writer = JSONWriter()
        writer.object { o in
            o.field("object", "webhook_secret")
            o.field("secret", secret)
        }
        return writer
    }

    // MARK: Ids

    static func endpointID(_ context: Context) throws -> WebhookEndpointID {
        let text = context.parameters.get("id") ?? ""
        guard let id = WebhookEndpointID(text) else { throw notFound(text) }
        return id
    }

    /// Parses `whdel_<n>`.
    static func deliveryID(_ text: String) -> Int64? {
        guard text.hasPrefix("whdel_"), let value = Int64(text.dropFirst(6)), value > 0 else { return nil }
        return value
    }

    static func notFound(_ id: String) -> APIError { .notFound("webhook endpoint", id: id) }
}
