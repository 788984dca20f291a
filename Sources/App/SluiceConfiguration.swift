package import Jobs

/// Everything `sluice serve` needs, from the embedded default, a YAML file and environment overrides
/// (command-line flags are applied on top by the executable).
package struct SluiceConfiguration: Sendable, Equatable {
    /// Where the HTTP API listens.
    package struct Listen: Sendable, Equatable {
        package var host: String
        package var port: Int

        package init(host: String = SluiceConfiguration.defaultHost, port: Int = SluiceConfiguration.defaultPort) {
            self.host = host
            self.port = port
        }
    }

    /// The in-process mock provider, started when enabled and registered as provider `mock`.
    package struct Mock: Sendable, Equatable {
        package var enabled: Bool
        package var latencyMilliseconds: Int

        package init(enabled: Bool, latencyMilliseconds: Int = 0) {
            self.enabled = enabled
            self.latencyMilliseconds = latencyMilliseconds
        }
    }

    /// Queue settings.
    package struct Queue: Sendable, Equatable {
        /// `full` (default: acknowledged means durable) or `normal`.
        package var synchronous: JobStore.Configuration.Synchronous
        /// Upstream attempts per job unless the job says otherwise.
        package var maxAttempts: Int
        /// How long a claim is leased before maintenance rescues it.
        package var leaseSeconds: Int
        /// How long a graceful shutdown lets running calls finish before handing them back.
        package var shutdownTimeoutSeconds: Int

        package init(
            synchronous: JobStore.Configuration.Synchronous = .full,
            maxAttempts: Int = 5,
            leaseSeconds: Int = 60,
            shutdownTimeoutSeconds: Int = 15
        ) {
            self.synchronous = synchronous
            self.maxAttempts = maxAttempts
            self.leaseSeconds = leaseSeconds
            self.shutdownTimeoutSeconds = shutdownTimeoutSeconds
        }
    }

    /// The response cache (`cache:` section).
    package struct Cache: Sendable, Equatable {
        /// Whose answers a request may be served.
        package enum Scope: String, Sendable, Equatable, CaseIterable {
            /// Only the same tenant's (the default): two tenants never see each other's answers.
            case tenant
            /// Any tenant's identical request.
            case global
        }

        /// Whether lanes answer from the cache and deduplicate identical requests in flight (default true).
        package var enabled: Bool
        /// `tenant` (default: a tenant is only served its own answers) or `global`.
        package var scope: Scope
        /// How long a stored answer is served (default 86,400 s: 24 hours).
        package var ttlSeconds: Int

        package static let defaultTTLSeconds = 86_400

        package init(enabled: Bool = true, scope: Scope = .tenant, ttlSeconds: Int = Cache.defaultTTLSeconds) {
            self.enabled = enabled
            self.scope = scope
            self.ttlSeconds = ttlSeconds
        }
    }

    package static let defaultHost = "127.0.0.1"
    package static let defaultPort = 8080
    package static let defaultDataDirectory = "./sluice-data"
    /// The name under which the in-process mock provider is registered, and its models.
    package static let mockProviderName = "mock"
    package static let mockModels = ["mock-chat", "mock-embed"]

    package var listen: Listen
    package var dataDirectory: String
    package var providers: [ProviderConfiguration]
    package var mock: Mock
    package var queue: Queue
    /// Prices from the configuration's `prices:` section (micro-dollars per 1M tokens), by model name or
    /// `provider/model`; each replaces the built-in entry of that name (see ``priceTable``).
    package var prices: [String: ModelPrice]
    /// The response cache.
    package var cache: Cache
    /// The Files API (upload limit).
    package var files = Files()
    /// Webhook delivery: the outbound URL guard and the retry schedule.
    package var webhooks = Webhooks()

    package init(
        listen: Listen = Listen(),
        dataDirectory: String = SluiceConfiguration.defaultDataDirectory,
        providers: [ProviderConfiguration] = [],
        mock: Mock = Mock(enabled: true),
        queue: Queue = Queue(),
        prices: [String: ModelPrice] = [:],
        cache: Cache = Cache()
    ) {
        self.listen = listen
        self.dataDirectory = dataDirectory
        self.providers = providers
        self.mock = mock
        self.queue = queue
        self.prices = prices
        self.cache = cache
    }

    /// The price table the ledger uses: the built-in table with the configuration's prices on top.
    package var priceTable: PriceTable { PriceTable.builtin.overriding(prices) }

    /// The embedded default: 127.0.0.1:8080, `./sluice-data`, and the in-process mock provider.
    package static var embeddedDefault: SluiceConfiguration { SluiceConfiguration() }
}
