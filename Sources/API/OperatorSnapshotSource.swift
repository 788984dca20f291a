package import Foundation

/// What the dashboard shows that only the running app knows: the lanes of the worker pool and the per-minute
/// history kept by a sampler. The API cannot see the workers; the app implements this and hands it to `APIServer`.
///
/// ```swift
/// struct Snapshot: OperatorSnapshotSource {
///     let pool: WorkerPool
///     let sampler: OperatorSampler
///     func lanes() -> [OperatorLane] { pool.lanes.values.map { OperatorLane($0.status()) } }
///     func history() async throws -> [OperatorSample] { try await sampler.history() }
/// }
/// let api = APIServer(store: store, configuration: configuration, operatorSource: Snapshot(...), logger: logger)
/// ```
package protocol OperatorSnapshotSource: Sendable {
    /// Every lane as it is now.
    func lanes() -> [OperatorLane]
    /// Samples of the last hour, oldest first, ending with a live one taken now.
    func history() async throws -> [OperatorSample]
}

/// One lane as the dashboard shows it.
package struct OperatorLane: Sendable, Equatable {
    /// Limits the provider stated for one model in its rate-limit headers.
    package struct Learned: Sendable, Equatable {
        package var model: String
        package var rpm: Int?
        package var tpm: Int?

        package init(model: String, rpm: Int?, tpm: Int?) {
            self.model = model
            self.rpm = rpm
            self.tpm = tpm
        }
    }

    package var provider: String
    /// Configured requests and tokens per minute (nil: none configured).
    package var rpm: Int?
    package var tpm: Int?
    package var maxConcurrency: Int
    /// Calls running now.
    package var running: Int
    package var learned: [Learned]
    /// Calls allowed in flight while no limit is known; nil when limits are known (or the lane is not running).
    package var adaptiveWindow: Int?
    /// How long the 429 pause still lasts; nil when not paused.
    package var pausedFor: Duration?

    package init(
        provider: String,
        rpm: Int? = nil,
        tpm: Int? = nil,
        maxConcurrency: Int,
        running: Int = 0,
        learned: [Learned] = [],
        adaptiveWindow: Int? = nil,
        pausedFor: Duration? = nil
    ) {
        self.provider = provider
        self.rpm = rpm
        self.tpm = tpm
        self.maxConcurrency = maxConcurrency
        self.running = running
        self.learned = learned
        self.adaptiveWindow = adaptiveWindow
        self.pausedFor = pausedFor
    }
}

/// One point of the dashboard's history: the queue at `time` and the jobs finished in the interval ending then.
package struct OperatorSample: Sendable, Equatable {
    package var time: Date
    /// Jobs queued (runnable, scheduled or waiting to retry) at `time`.
    package var queued: Int
    /// Jobs running at `time`.
    package var running: Int
    /// Jobs that became final during the interval ending at `time`.
    package var finished: Int
    /// The interval's length in seconds (the sampler's period; shorter for the first point).
    package var intervalSeconds: Int

    package init(time: Date, queued: Int, running: Int, finished: Int, intervalSeconds: Int) {
        self.time = time
        self.queued = queued
        self.running = running
        self.finished = finished
        self.intervalSeconds = intervalSeconds
    }
}
