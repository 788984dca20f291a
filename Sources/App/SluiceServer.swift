import API
import Foundation
import Hummingbird
import Jobs
package import Logging
import MockProvider
import ServiceLifecycle
import Synchronization
import UnixSignals
import Workers

/// `sluice serve` as one object: the store, the libcurl transport, maintenance, the worker pool, the HTTP API
/// and (when enabled) the in-process mock provider, run as one `ServiceGroup`.
///
/// Start-up: open the data directory and the store, load or create the admin key, start the mock provider (its
/// port becomes provider `mock`'s base URL), then run `[transport, maintenance, pool, api]`. Shutdown runs in
/// reverse: the API stops accepting, the pool drains and hands back, then the transport stops; the store closes
/// last.
///
/// ```swift
/// let server = SluiceServer(configuration: .embeddedDefault, environment: [:], logger: logger)
/// async let running: Void = server.run()
/// let port = try await server.waitUntilListening()
/// // … use http://127.0.0.1:\(port)
/// await server.triggerGracefulShutdown()
/// try await running
/// ```
package final class SluiceServer: Sendable {
    /// The database file's name inside the data directory.
    package static let databaseFileName = "sluice.sqlite"

    package let configuration: SluiceConfiguration
    private let environment: [String: String]
    private let handleSignals: Bool
    let logger: Logger
    private let listening = PortSignal()
    private let control = Mutex(Control())
    /// `GET /readyz`: ready while the store is open and no graceful shutdown began.
    let readiness = Readiness()
    /// How long `/readyz` answers 503 before the API stops accepting, on graceful shutdown.
    let drainDelay: Duration

    private struct Control {
        var group: ServiceGroup?
        var store: JobStore?
        var shutdownRequested = false
    }

    /// How many long-polls (`GET /v1/jobs/{id}?wait=`) are waiting right now; 0 before start and after stop.
    package var pendingLongPolls: Int { control.withLock { $0.store }?.pendingFinalWaits ?? 0 }

    /// - Parameters:
    ///   - configuration: validated configuration (flags, environment and file already applied).
    ///   - environment: where `SLUICE_ADMIN_KEY` and provider key variables are read.
    ///   - handleSignals: stop gracefully on SIGTERM and SIGINT (the executable); tests pass false.
    ///   - drainDelay: on graceful shutdown, how long `/readyz` answers 503 while the API still serves, so a load
    ///     balancer stops sending traffic first (default 0; `SLUICE_DRAIN_SECONDS` for the executable).
    ///   - logger: the root logger.
    package init(
        configuration: SluiceConfiguration,
        environment: [String: String],
        handleSignals: Bool = false,
        drainDelay: Duration = .zero,
        logger: Logger
    ) {
        self.configuration = configuration
        self.environment = environment
        self.handleSignals = handleSignals
        self.drainDelay = drainDelay
        self.logger = logger
    }

    /// The executable's entry: runs until SIGTERM or SIGINT.
    package static func run(configuration: SluiceConfiguration, environment: [String: String]) async throws {
        var logger = Logger(label: "sluice")
        logger.logLevel = environment["SLUICE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let server = SluiceServer(
            configuration: configuration,
            environment: environment,
            handleSignals: true,
            drainDelay: try Self.drainDelay(environment: environment),
            logger: logger
        )
        try await server.run()
    }

    /// Waits until the API listens and returns its port (the real one when configured with port 0).
    package func waitUntilListening() async throws -> Int { try await listening.wait() }

    /// Stops the server gracefully, as SIGTERM does.
    package func triggerGracefulShutdown() async {
        readiness.beginDraining()
        let group = control.withLock { control -> ServiceGroup? in
            control.shutdownRequested = true
            return control.group
        }
        await group?.triggerGracefulShutdown()
    }

    /// Runs everything until graceful shutdown.
    package func run() async throws {
        defer { listening.fail() }
        SluiceMetrics.bootstrap()
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let lock = try DataDirectoryLock(dataDirectory: configuration.dataDirectory)
        defer { withExtendedLifetime(lock) {} }
        let adminKey = try AdminKey.loadOrCreate(dataDirectory: configuration.dataDirectory, environment: environment)
        if let shown = adminKey.revealedOnce {
            let path = (configuration.dataDirectory as NSString).appendingPathComponent(AdminKey.fileName)
            print("Admin API key (shown once; kept in \(path), mode 0600):\n  \(shown)")
            fflush(nil)  // flushes every output stream: the key must reach a redirected stdout now
        }

        let store = try JobStore(
            configuration: .init(
                path: (configuration.dataDirectory as NSString).appendingPathComponent(Self.databaseFileName),
                synchronous: configuration.queue.synchronous,
                prices: configuration.priceTable
            ),
            logger: logger
        )
        // Uploads a previous run left unfinished, and bytes no file row stands for (this process holds the data
        // directory's lock, and nothing inserts files yet).
        store.removeStagedFiles()
        do {
            try await store.removeOrphanedFiles()
        } catch {
            logger.warning("cannot sweep the files directory", metadata: ["error": "\(error)"])
        }
        control.withLock { $0.store = store }
        readiness.storeOpened()
        defer {
            readiness.storeClosed()
            control.withLock { $0.store = nil }
            store.close()
        }
        logger.info(
            "prices loaded",
            metadata: [
                "version": "\(store.configuration.prices.version)", "as_of": "\(store.configuration.prices.asOf)",
            ]
        )

        guard configuration.mock.enabled else {
            try await runMain(store: store, adminKey: adminKey, providers: configuration.providers)
            return
        }
        try await InProcessMockProvider.with(
            latency: .milliseconds(configuration.mock.latencyMilliseconds),
            logger: logger
        ) { mockProvider in
            try await runMain(store: store, adminKey: adminKey, providers: [mockProvider] + configuration.providers)
        }
    }

    private func runMain(store: JobStore, adminKey: AdminKey, providers: [ProviderConfiguration]) async throws {
        let queue = configuration.queue
        let workers = try QueueWorkers(
            configuration: configuration,
            store: store,
            providers: providers,
            environment: environment,
            logger: logger
        )
        let sampler = OperatorSampler(
            store: store,
            pool: workers.pool,
            configuration: .init(environment: environment),
            logger: logger
        )
        var apiConfiguration = APIConfiguration(
            adminKeyHash: adminKey.hash,
            providers: providers,
            defaultMaxAttempts: queue.maxAttempts,
            maxFileBytes: configuration.files.maxUploadBytes
        )
        apiConfiguration.webhookURLCheck = Self.webhookURLCheck(configuration.webhooks.policy)
        let metricsSampler = MetricsSampler(store: store, lanes: Array(workers.pool.lanes.values), logger: logger)
        var api = APIServer(
            store: store,
            configuration: apiConfiguration,
            quotas: workers.quotas,
            operatorSource: sampler,
            logger: logger
        )
        api.readiness = readiness
        api.metricsExporter = SluiceMetrics.exposition
        // The batch lifecycle: file batches are validated, finished batches get their output and error files.
        let batchValidator = BatchValidator(store: store, configuration: api.configuration, logger: logger)
        let batchFinalizer = BatchFinalizer(store: store, logger: logger)
        // Webhooks get their own transport: their pinned name resolutions and connections never mix with the
        // provider lanes' (a tenant's endpoint on a provider's host must not pin that host for the lanes).
        let webhookTransport = try CurlTransport(configuration: Self.webhookTransportConfiguration)
        let webhookDeliverer = Self.webhookDeliverer(
            settings: configuration.webhooks,
            store: store,
            transport: webhookTransport,
            logger: logger
        )
        let listen = configuration.listen
        let listening = self.listening
        let logger = self.logger
        let application = api.makeApplication(host: listen.host, port: listen.port) { port in
            logger.info("sluice listening", metadata: ["url": "http://\(listen.host):\(port)"])
            listening.succeed(port)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: workers.services + [
                    .init(service: sampler), .init(service: metricsSampler),
                    .init(service: batchValidator), .init(service: batchFinalizer), .init(service: webhookTransport),
                    .init(service: webhookDeliverer),
                    .init(service: application),
                    // Last, so a graceful shutdown reaches it first: /readyz turns 503 before the API stops.
                    .init(service: ReadinessDrain(readiness: readiness, delay: drainDelay, logger: logger)),
                ],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
        )
        let stopAtOnce = control.withLock { control in
            control.group = group
            return control.shutdownRequested
        }
        if stopAtOnce { return }
        await metricsSampler.sampleOnce()  // the first scrape already sees every lane's gauges
        try await group.run()
    }
}

extension SluiceServer {
    /// Connection limits wide enough for every lane's concurrency cap: libcurl queues transfers beyond
    /// `maxHostConnections` inside the multi handle, so a lane of `max_concurrency: 1000` against one host would
    /// otherwise run only 512 calls at a time (measured by `Scripts/bench`, scenario 3). Lanes may share a host, so
    /// the per-host limit is the sum of the caps, never below the transport's defaults.
    static func transportConfiguration(for providers: [ProviderConfiguration]) -> CurlTransport.Configuration {
        let total = providers.reduce(0) { $0 + $1.limits.maxConcurrency }
        let connections = max(CurlTransport.Configuration.defaultMaxHostConnections, total)
        raiseOpenFileLimit(toAtLeast: connections + 256)
        return CurlTransport.Configuration(
            maxConnections: max(CurlTransport.Configuration.defaultMaxConnections, total),
            maxHostConnections: connections,
            maxIdleHandles: max(CurlTransport.Configuration.defaultMaxIdleHandles, total)
        )
    }

    /// Raises the soft limit on open files towards the hard limit when it is below `wanted`: every upstream call
    /// holds a socket, and the common soft default of 1024 is too low for a thousand concurrent calls plus the
    /// API's own connections. https://man7.org/linux/man-pages/man2/getrlimit.2.html
    private static func raiseOpenFileLimit(toAtLeast wanted: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(wanted) else { return }
        limit.rlim_cur = min(limit.rlim_max, max(limit.rlim_cur, rlim_t(wanted) * 2))
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// A port delivered once to any number of waiters (or a failure when the server stops before listening).
private final class PortSignal: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case listening(Int)
        case failed
    }

    private let state = Mutex(State.waiting([]))

    func succeed(_ port: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .listening(port)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    func fail() {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .failed
            return waiters
        }
        for waiter in waiters { waiter.resume(throwing: CancellationError()) }
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let immediate = state.withLock { state -> Result<Int, any Error>? in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .listening(let port): return .success(port)
                case .failed: return .failure(CancellationError())
                }
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }
}
