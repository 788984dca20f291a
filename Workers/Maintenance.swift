package import Jobs
package import Logging
import ServiceLifecycle
import Synchronization

package import struct Foundation.Date

/// The queue's housekeeping as a `Service`: at start it hands back every job the previous run left `running`
/// (`rescueAllRunning`), then every `interval` it rescues expired leases, expires overdue jobs and deletes expired
/// response-cache entries and expired files (with their bytes).
///
/// The start-up rescue runs once per instance; `WorkerPool` awaits it (see `rescuePreviousRun()`) before its first
/// claim, so jobs claimed by this run are never taken for the previous run's.
///
/// ```swift
/// let maintenance = Maintenance(store: store, configuration: .init(interval: .seconds(10)), logger: logger)
/// let counts = try await maintenance.runOnce(now: Date())   // in tests
/// // in the app: part of the ServiceGroup, before the WorkerPool
/// ```
package final class Maintenance: Service {
    /// Tunables of the maintenance loop.
    package struct Configuration: Sendable {
        /// Default time between two maintenance passes: 10 s.
        package static let defaultInterval: Duration = .seconds(10)

        /// Time between two passes (default 10 s). A lease that expired is rescued at most this late.
        package var interval: Duration

        package init(interval: Duration = Configuration.defaultInterval) {
            precondition(interval > .zero, "interval must be positive")
            self.interval = interval
        }
    }

    /// What one pass did.
    package struct Counts: Sendable, Equatable {
        /// Jobs whose lease had expired, handed back (or failed when out of attempts).
        package var rescued: Int
        /// Jobs whose deadline passed, moved to `expired`.
        package var expired: Int
        /// Expired response-cache entries deleted.
        package var cachePruned: Int
        /// Files (OpenAI's Files API) whose `expires_at` passed, deleted with their bytes.
        package var filesExpired: Int
        /// Webhook events past their retention (30 days, every delivery final) deleted with their delivery log.
        package var webhookEventsPruned: Int

        package init(
            rescued: Int,
            expired: Int,
            cachePruned: Int = 0,
            filesExpired: Int = 0,
            webhookEventsPruned: Int = 0
        ) {
            self.rescued = rescued
            self.expired = expired
            self.cachePruned = cachePruned
            self.filesExpired = filesExpired
            self.webhookEventsPruned = webhookEventsPruned
        }
    }

    private enum RescueState {
        case notStarted
        case running(waiters: [CheckedContinuation<Int, any Error>])
        case done(Result<Int, any Error>)
    }

    package let configuration: Configuration
    private let store: JobStore
    private let logger: Logger
    private let rescueState = Mutex(RescueState.notStarted)

    package init(store: JobStore, configuration: Configuration = Configuration(), logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Hands back every job the previous run left `running`, once per instance; later and concurrent callers
    /// wait for that one rescue and get its count (or its error).
    @discardableResult
    package func rescuePreviousRun() async throws -> Int {
        enum Step {
            case perform, wait
            case finished(Result<Int, any Error>)
        }
        let step = rescueState.withLock { state -> Step in
            switch state {
            case .notStarted:
                state = .running(waiters: [])
                return .perform
            case .running: return .wait
            case .done(let result): return .finished(result)
            }
        }
        switch step {
        case .finished(let result):
            return try result.get()
        case .wait:
            return try await withCheckedThrowingContinuation { continuation in
                let finished = rescueState.withLock { state -> Result<Int, any Error>? in
                    switch state {
                    case .running(var waiters):
                        waiters.append(continuation)
                        state = .running(waiters: waiters)
                        return nil
                    case .done(let result):
                        return result
                    case .notStarted:
                        preconditionFailure("the rescue cannot go back to not started")
                    }
                }
                if let finished { continuation.resume(with: finished) }
            }
        case .perform:
            let result: Result<Int, any Error>
            do {
                let count = try await shielded { [store] in try await store.rescueAllRunning(now: Date()) }
                result = .success(count)
                logger.info("rescued jobs of the previous run", metadata: ["count": "\(count)"])
            } catch {
                result = .failure(error)
                logger.error("rescuing jobs of the previous run failed", metadata: ["error": "\(error)"])
            }
            let waiters = rescueState.withLock { state -> [CheckedContinuation<Int, any Error>] in
                guard case .running(let waiters) = state else { return [] }
                state = .done(result)
                return waiters
            }
            for waiter in waiters { waiter.resume(with: result) }
            return try result.get()
        }
    }

    /// One maintenance pass: rescue expired leases, expire overdue jobs, delete expired cache entries and files,
    /// and prune old webhook history.
    package func runOnce(now: Date = Date()) async throws -> Counts {
        let rescued = try await store.rescueExpiredLeases(now: now)
        let expired = try await store.expireOverdue(now: now)
        let cachePruned = try await store.pruneExpiredCache(now: now)
        let filesExpired = try await store.deleteExpiredFiles(now: now)
        let webhookEventsPruned = try await store.pruneWebhookHistory(now: now)
        return Counts(
            rescued: rescued,
            expired: expired,
            cachePruned: cachePruned,
            filesExpired: filesExpired,
            webhookEventsPruned: webhookEventsPruned
        )
    }

    package func run() async throws {
        try await rescuePreviousRun()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { [configuration] in
                    try await Task.sleep(for: configuration.interval)
                }
            } catch {
                break  // cancelled or shutting down
            }
            do {
                let counts = try await runOnce(now: Date())
                if counts.rescued > 0 || counts.expired > 0 {
                    logger.info(
                        "maintenance pass",
                        metadata: ["rescued": "\(counts.rescued)", "expired": "\(counts.expired)"]
                    )
                }
            } catch {
                logger.error("maintenance pass failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
