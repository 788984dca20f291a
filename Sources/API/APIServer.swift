public import Hummingbird
public import Jobs
public import Logging
import NIOCore

/// The HTTP API: builds the router and the Hummingbird application that serves it.
///
/// ```swift
/// let api = APIServer(store: store, configuration: apiConfiguration, logger: logger)
/// let app = api.makeApplication(host: "127.0.0.1", port: 8080) { port in logger.info("listening on \(port)") }
/// let group = ServiceGroup(services: [workers, app], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
///
/// Routes (all under `/v1` need `Authorization: Bearer <key>`):
/// `GET /healthz`, `GET /readyz`, `GET /metrics`; `POST /v1/jobs`, `GET /v1/jobs`, `GET /v1/jobs/{id}[?wait=]`,
/// `POST /v1/jobs/{id}/cancel`; `POST /v1/batches` (JSONL, inline or `input_file_id`), `GET /v1/batches`,
/// `GET /v1/batches/{id}[?wait=]`, `POST /v1/batches/{id}/cancel`, `POST /v1/batches/{id}/retry`,
/// `GET /v1/batches/{id}/results`; `POST`/`GET /v1/files`, `GET`/`DELETE /v1/files/{id}`,
/// `GET /v1/files/{id}/content`; `/v1/webhooks/endpoints[/{id}[/rotate_secret|/deliveries]]`,
/// `GET /v1/webhooks/secret`, `POST /v1/webhooks/secret/rotate`; `GET /v1/usage`;
/// admin key only: `POST /v1/admin/tenants`, `POST /v1/admin/tenants/{id}/keys`,
/// `GET`/`PUT /v1/admin/tenants/{id}/quotas`, `GET /v1/admin/tenants`, `GET /v1/admin/tenants/{id}/keys`,
/// `DELETE /v1/admin/tenants/{id}/keys/{key_id}`, `GET /v1/admin/dashboard`.
/// `GET /` (no key) is the dashboard page; see `DashboardRoutes`.
/// `GET /openapi.json` (no key) describes them all; see `OpenAPIDocument`.
package struct APIServer: Sendable {
    package let store: JobStore
    package let configuration: APIConfiguration
    /// Tenant quotas: the admin routes set them, submissions are refused (429) while over. Share it with the
    /// workers' `TenantQuotaAdmission` so both see the same reservations.
    package let quotas: QuotaAccountant
    /// The lanes and the per-minute history the dashboard shows (the app's worker pool and sampler); without it
    /// the dashboard shows the configured lanes and no history.
    package let operatorSource: (any OperatorSnapshotSource)?
    package let logger: Logger
    /// `GET /readyz` answers from it (the app marks the store open and the start of a graceful shutdown).
    package var readiness = Readiness(storeOpen: true)
    /// `GET /metrics` renders its output (the app's Prometheus registry); empty by default.
    package var metricsExporter: MetricsExporter = { [] }

    /// - Parameters:
    ///   - quotas: the quota accountant shared with the workers; a private one over `store` when nil.
    ///   - operatorSource: what the dashboard knows of the running workers; see `OperatorSnapshotSource`.
    package init(
        store: JobStore,
        configuration: APIConfiguration,
        quotas: QuotaAccountant? = nil,
        operatorSource: (any OperatorSnapshotSource)? = nil,
        logger: Logger
    ) {
        self.store = store
        self.configuration = configuration
        self.quotas = quotas ?? QuotaAccountant(store: store)
        self.operatorSource = operatorSource
        self.logger = logger
    }

    /// The router with every route and middleware.
    package func buildRouter() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.get("healthz") { _, _ in
            var writer = JSONWriter()
            writer.object { o in o.field("status", "ok") }
            return Response.json(writer)
        }
        router.get("openapi.json", use: OpenAPIDocument.respond)
        OperationsRoutes(readiness: readiness, exporter: metricsExporter).register(on: router)

        let bodyReader = RequestBodyReader(maxBytes: configuration.maxBodyBytes)
        let lineParser = JobLineParser(
            router: ModelRouter(providers: configuration.providers),
            defaultMaxAttempts: configuration.defaultMaxAttempts
        )
        let batchParser = BatchRequestParser(lineParser: lineParser, maxRequests: configuration.maxBatchRequests)

        let v1 = router.group("v1")
            .add(middleware: AuthenticationMiddleware(store: store, adminKeyHash: configuration.adminKeyHash))
        let quotaGate = SubmitQuotaGate(quotas: quotas)
        JobRoutes(
            store: store,
            configuration: configuration,
            lineParser: lineParser,
            bodyReader: bodyReader,
            quotaGate: quotaGate
        )
        .register(on: v1)
        BatchRoutes(
            store: store,
            configuration: configuration,
            parser: batchParser,
            bodyReader: bodyReader,
            quotaGate: quotaGate
        )
        .register(on: v1)
        UsageRoutes(store: store).register(on: v1)
        FileRoutes(store: store, configuration: configuration).register(on: v1)
        WebhookRoutes(store: store, configuration: configuration, bodyReader: bodyReader).register(on: v1)
        let admin = v1.group("admin").add(middleware: AdminOnlyMiddleware())
        AdminRoutes(store: store, bodyReader: bodyReader).register(on: admin)
        QuotaRoutes(store: store, quotas: quotas, bodyReader: bodyReader).register(on: admin)
        AdminKeyRoutes(store: store).register(on: admin)
        DashboardRoutes(store: store, providers: configuration.providers, source: operatorSource)
            .register(root: router, admin: admin)
        return router
    }

    /// The Hummingbird application serving the API on `host:port` (port 0 picks a free port).
    /// - Parameters:
    ///   - host: Address to bind, e.g. `127.0.0.1`.
    ///   - port: Port to bind; 0 lets the system choose.
    ///   - onServerRunning: Called once the server listens, with the port it is bound to.
    /// - Returns: A `Service` to run in the app's `ServiceGroup`.
    package func makeApplication(
        host: String,
        port: Int,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<APIRequestContext>> {
        Application(
            router: buildRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "sluice"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
