package import API
package import Foundation
package import Jobs
package import Logging
import ServiceLifecycle
import Synchronization
package import Workers

/// The dashboard's source of lanes and history (`OperatorSnapshotSource`): a `Service` that samples the queue
/// depth (the store's partial indexes) and the jobs finished (`JobStore.finishedJobCount`) once per `interval`,
/// keeping the last `capacity` samples in memory, and reads the lanes from the worker pool when asked.
///
/// `history()` answers the kept samples plus a live one taken at the call, so a fresh server's charts already
/// have points.
///
/// ```swift
/// let sampler = OperatorSampler(store: store, pool: pool, logger: logger)
/// let api = APIServer(store: store, configuration: configuration, operatorSource: sampler, logger: logger)
/// let group = ServiceGroup(services: [transport, maintenance, pool, sampler, api], logger: logger)
/// ```
package final class OperatorSampler: Service, OperatorSnapshotSource {
    /// Tunables, all with defaults.
    package struct Configuration: Sendable {
        /// Default time between two samples: one minute.
        package static let defaultInterval: Duration = .seconds(60)

        /// Time between two samples (default one minute).
        package var interval: Duration
        /// Samples kept (default 60: an hour at one per minute).
        package var capacity: Int

        package init(interval: Duration = defaultInterval, capacity: Int = OperatorHistory.defaultCapacity) {
            precondition(interval > .zero && capacity > 0, "the sampler needs a positive interval and capacity")
            self.interval = interval
            self.capacity = capacity
        }

        /// The defaults, with the interval from `SLUICE_DASHBOARD_SAMPLE_SECONDS` when it is a whole number of
        /// seconds from 1 to 3600 (demos and `Scripts/dashboard-check` sample faster; anything else is ignored).
        package init(environment: [String: String]) {
            let seconds = environment["SLUICE_DASHBOARD_SAMPLE_SECONDS"].flatMap { Int($0) }.flatMap {
                (1...3600).contains($0) ? $0 : nil
            }
            self.init(interval: seconds.map { .seconds($0) } ?? Self.defaultInterval)
        }
    }

    package let configuration: Configuration
    private let store: JobStore
    private let pool: WorkerPool?
    private let logger: Logger
    private let state: Mutex<OperatorHistory>

    /// - Parameters:
    ///   - store: where queue depth and the finished-jobs counter are read.
    ///   - pool: the worker pool whose lanes the dashboard shows; nil shows none.
    ///   - configuration: interval and samples kept.
    ///   - logger: reports failed samples.
    package init(store: JobStore, pool: WorkerPool?, configuration: Configuration = Configuration(), logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.pool = pool
        self.logger = logger
        self.state = Mutex(
            OperatorHistory(capacity: configuration.capacity, start: Date(), finishedCount: store.finishedJobCount)
        )
    }

    /// Takes one sample now and keeps it. Returns it.
    @discardableResult
    package func sampleOnce(now: Date = Date()) async throws -> OperatorSample {
        let depths = try await store.queueDepths()
        let finished = store.finishedJobCount
        return state.withLock { history in
            history.record(
                time: now,
                queued: depths.reduce(0) { $0 + $1.queued },
                running: depths.reduce(0) { $0 + $1.running },
                finishedCount: finished
            )
        }
    }

    package func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await sampleOnce()
            } catch {
                logger.warning("dashboard sample failed", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { [configuration] in
                    try await Task.sleep(for: configuration.interval)
                }
            } catch {
                break  // cancelled or shutting down
            }
        }
    }

    // MARK: OperatorSnapshotSource

    package func lanes() -> [OperatorLane] {
        guard let pool else { return [] }
        let now = ContinuousClock.now
        return pool.lanes.values.map { lane in
            let status = lane.status(now: now)
            return OperatorLane(
                provider: status.provider,
                rpm: status.rpm,
                tpm: status.tpm,
                maxConcurrency: status.maxConcurrency,
                running: status.running,
                learned: status.learned.map { .init(model: $0.model, rpm: $0.rpm, tpm: $0.tpm) },
                adaptiveWindow: status.adaptiveWindow,
                pausedFor: status.pausedFor
            )
        }
    }

    package func history() async throws -> [OperatorSample] {
        let depths = try await store.queueDepths()
        let finished = store.finishedJobCount
        let now = Date()
        return state.withLock { history in
            history.samples
                + [
                    history.peek(
                        time: now,
                        queued: depths.reduce(0) { $0 + $1.queued },
                        running: depths.reduce(0) { $0 + $1.running },
                        finishedCount: finished
                    )
                ]
        }
    }
}
