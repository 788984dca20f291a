import Jobs
import Logging
import ServiceLifecycle
import Workers

/// The execution side of Sluice, shared by `sluice serve` and `sluice run`: the libcurl transport, maintenance (with
/// the start-up rescue) and the worker pool with its admission steps (response cache, tenant quotas).
///
/// ```swift
/// let workers = try QueueWorkers(
///     configuration: configuration, store: store, providers: providers, environment: environment, logger: logger
/// )
/// let group = ServiceGroup(configuration: .init(services: workers.services + [api], logger: logger))
/// ```
struct QueueWorkers {
    let transport: CurlTransport
    let maintenance: Maintenance
    /// The tenant quota accountant the pool's admission uses (the API shares it).
    let quotas: QuotaAccountant
    let pool: WorkerPool

    /// - Parameters:
    ///   - configuration: queue, cache and price settings.
    ///   - store: the open store.
    ///   - providers: the lanes to run (the in-process mock included when it runs).
    ///   - environment: where provider key variables are read.
    ///   - shutdownTimeout: how long a graceful stop lets running calls finish (default: the queue's setting).
    ///   - logger: the root logger.
    init(
        configuration: SluiceConfiguration,
        store: JobStore,
        providers: [ProviderConfiguration],
        environment: [String: String],
        shutdownTimeout: Duration? = nil,
        logger: Logger
    ) throws {
        let queue = configuration.queue
        transport = try CurlTransport(configuration: SluiceServer.transportConfiguration(for: providers))
        maintenance = Maintenance(store: store, logger: logger)
        quotas = QuotaAccountant(store: store)
        pool = try WorkerPool(
            store: store,
            transport: transport,
            providers: providers,
            configuration: .init(
                leaseDuration: .seconds(queue.leaseSeconds),
                shutdownTimeout: shutdownTimeout ?? .seconds(queue.shutdownTimeoutSeconds),
                admission: SluiceServer.withTenantQuotas(
                    SluiceServer.responseCacheAdmission(settings: configuration.cache, store: store, logger: logger),
                    quotas: quotas,
                    prices: store.configuration.prices
                )
            ),
            environment: environment,
            startupRescue: maintenance,
            logger: logger
        )
    }

    /// The services in start order (transport, maintenance, pool); a service group stops them in reverse.
    var services: [ServiceGroupConfiguration.ServiceConfiguration] {
        [.init(service: transport), .init(service: maintenance), .init(service: pool)]
    }
}
