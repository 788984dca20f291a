import Foundation
package import Jobs
package import Logging
import ServiceLifecycle

/// The execution side as one `Service`: a `Lane` per configured provider, all running in one task group, plus
/// subscriptions to the store's cancellation requests (abort running jobs at once) and inserted-work notices
/// (wake the idle lane at once).
///
/// On graceful shutdown (SIGTERM/SIGINT through the `ServiceGroup`) every lane stops claiming, lets its running
/// jobs finish for up to `Configuration.shutdownTimeout`, then cancels the rest and hands them back without
/// burning an attempt. When the task is cancelled outright, running jobs are handed back at once.
///
/// Start-up order: when given the `Maintenance` service, the pool waits for its start-up rescue (the previous
/// run's leases) before the first claim, so the rescue never takes back a job this run just claimed.
///
/// ```swift
/// let maintenance = Maintenance(store: store, logger: logger)
/// let pool = try WorkerPool(
///     store: store, transport: transport, providers: configuration.providers,
///     startupRescue: maintenance, logger: logger
/// )
/// let group = ServiceGroup(
///     services: [transport, maintenance, pool, httpServer],
///     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
/// )
/// // the store's `workInserted()` wakes lanes; `pool.wake(provider:)` does it by hand
/// try await group.run()
/// ```
package final class WorkerPool: Service {
    package let configuration: Configuration
    /// The lanes by provider name.
    package let lanes: [String: Lane]
    private let store: JobStore
    private let startupRescue: Maintenance?
    private let logger: Logger

    /// Builds one lane per provider, reading each provider's API key once (never logged).
    /// - Parameters:
    ///   - store: the durable queue.
    ///   - transport: sends the upstream requests (`CurlTransport` in production).
    ///   - providers: the configured providers; each gets a lane named after it.
    ///   - configuration: leases, polling, shutdown, retry and timeout settings.
    ///   - environment: where `apiKeyEnv` variables are read (the process environment by default).
    ///   - startupRescue: the maintenance service whose start-up rescue must finish before the first claim.
    ///   - logger: the pool's logger.
    /// - Throws: `WorkersError` when a key cannot be read, a base URL or a limit is invalid, or a provider kind has no
    ///   adapter.
    package init(
        store: JobStore,
        transport: any HTTPTransport,
        providers: [ProviderConfiguration],
        configuration: Configuration = Configuration(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        startupRescue: Maintenance? = nil,
        logger: Logger
    ) throws {
        var lanes: [String: Lane] = [:]
        for provider in providers {
            guard provider.limits.maxConcurrency > 0 else {
                throw WorkersError(
                    .invalidLimits,
                    message: "provider '\(provider.name)': max_concurrency must be at least 1"
                )
            }
            let adapter = try Self.makeAdapter(for: provider, environment: environment)
            lanes[provider.name] = Lane(
                provider: provider,
                adapter: adapter,
                store: store,
                transport: transport,
                configuration: configuration,
                logger: logger
            )
        }
        self.configuration = configuration
        self.lanes = lanes
        self.store = store
        self.startupRescue = startupRescue
        self.logger = logger
    }

    /// The adapter for the provider's wire format, with its key read once.
    package static func makeAdapter(
        for provider: ProviderConfiguration,
        environment: [String: String]
    ) throws -> any ProviderAdapter {
        switch provider.kind {
        case .openai:
            return try OpenAIAdapter(provider: provider, apiKey: APIKey.load(for: provider, environment: environment))
        case .anthropic, .gemini:
            throw WorkersError(
                .unsupportedProviderKind,
                message: "provider '\(provider.name)': kind \(provider.kind.rawValue) is not supported yet"
            )
        }
    }

    /// Tells the provider's lane that new jobs may be runnable, so an idle lane claims at once instead of at its
    /// next poll. Call it after inserting jobs; unknown names are ignored.
    package func wake(provider: String) {
        lanes[provider]?.wake()
    }

    /// Wakes every lane.
    package func wakeAll() {
        for lane in lanes.values { lane.wake() }
    }

    package func run() async throws {
        if let startupRescue {
            try await startupRescue.rescuePreviousRun()
        }
        let lanes = Array(lanes.values)
        logger.info("worker pool started", metadata: ["lanes": "\(lanes.map(\.provider).sorted())"])
        // Subscribed before any lane claims, so no notice published after the first claim is missed.
        let cancellationRequests = store.cancellationRequests()
        let insertedWork = store.workInserted()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.forwardCancellationRequests(cancellationRequests, to: lanes) }
                group.addTask { await self.wakeLanes(on: insertedWork) }
                await withDiscardingTaskGroup { laneGroup in
                    for lane in lanes {
                        laneGroup.addTask { await lane.run() }
                    }
                }
                group.cancelAll()  // ends the store subscriptions once every lane is done
            }
        } onGracefulShutdown: {
            for lane in lanes { lane.beginShutdown() }
        }
        logger.info("worker pool stopped")
    }

    /// Wakes a provider's lane as soon as the store committed new runnable work for it.
    private func wakeLanes(on insertedWork: AsyncStream<String>) async {
        for await provider in insertedWork {
            wake(provider: provider)
        }
    }

    /// Aborts running jobs as soon as their cancellation is requested (the heartbeat would see it later anyway).
    private func forwardCancellationRequests(_ requests: AsyncStream<JobID>, to lanes: [Lane]) async {
        for await id in requests {
            for lane in lanes where lane.requestCancel(id) {
                break
            }
        }
    }
}
