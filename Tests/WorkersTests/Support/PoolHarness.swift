import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import Jobs
@testable import Workers

/// A real `JobStore` on a temporary SQLite file and a `WorkerPool` over a `FakeTransport`, run in a `ServiceGroup`.
struct PoolHarness {
    static let tenant = "default"
    static let provider = "fake"

    let store: JobStore
    let transport: FakeTransport
    let pool: WorkerPool
    let group: ServiceGroup
    /// Set when the service group's run returned.
    let stopped: AsyncEvent

    /// Triggers graceful shutdown and waits until the pool stopped; the store stays open for assertions.
    func shutdown() async {
        await group.triggerGracefulShutdown()
        await stopped.wait()
    }

    /// Test settings: tiny backoff so retries happen at once, fast polling.
    static func configuration(shutdownTimeout: Duration = .seconds(5)) -> WorkerPool.Configuration {
        WorkerPool.Configuration(
            leaseDuration: .seconds(30),
            idlePollMinimum: .milliseconds(1),
            idlePollMaximum: .milliseconds(20),
            shutdownTimeout: shutdownTimeout,
            retryPolicy: RetryPolicy(base: .milliseconds(1), cap: .milliseconds(5))
        )
    }

    /// Runs `body` with a started pool, then shuts it down gracefully and removes the database.
    static func with(
        maxConcurrency: Int = 8,
        configuration: WorkerPool.Configuration = PoolHarness.configuration(),
        script: @escaping FakeTransport.Script,
        logger: Logger? = nil,
        _ body: (PoolHarness) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-workers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = logger ?? Logger(label: "workers-tests")
        if logger.logLevel < .warning { logger.logLevel = .warning }
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: logger
        )
        defer { store.close() }
        let transport = FakeTransport(script: script)
        let provider = ProviderConfiguration(
            name: provider,
            kind: .openai,
            baseURL: "http://fake.invalid/v1",
            models: ["m"],
            limits: .init(maxConcurrency: maxConcurrency)
        )
        let pool = try WorkerPool(
            store: store,
            transport: transport,
            providers: [provider],
            configuration: configuration,
            environment: [:],
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [pool], logger: logger))
        let stopped = AsyncEvent(.manualReset)
        let harness = PoolHarness(store: store, transport: transport, pool: pool, group: group, stopped: stopped)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { stopped.set() }
                try await group.run()
            }
            do {
                try await body(harness)
            } catch {
                await group.triggerGracefulShutdown()
                transport.releaseAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// The chat body of test job `name`; the fake transport's script sees it.
    static func body(_ name: String) -> String {
        #"{"model":"m","messages":[{"role":"user","content":"\#(name)"}]}"#
    }

    /// Inserts a job whose body names it, and (unless told not to) wakes the lane by hand.
    func insert(_ name: String, maxAttempts: Int = 3, deadline: Date? = nil, wake: Bool = true) async throws -> JobID {
        let job = try await store.insertJob(
            NewJob(
                customID: name,
                provider: Self.provider,
                model: "m",
                endpoint: "/v1/chat/completions",
                body: Data(Self.body(name).utf8),
                maxAttempts: maxAttempts,
                deadline: deadline
            ),
            tenant: Self.tenant,
            idempotencyKey: nil
        )
        if wake { pool.wake(provider: Self.provider) }
        return job.id
    }

    /// Waits (on the store's finalisation event) until the job is final, and returns it.
    func final(_ id: JobID) async throws -> Job {
        let job = try #require(try await store.waitUntilFinal(id, tenant: Self.tenant, timeout: .seconds(30)))
        try #require(job.state.isFinal, "job \(id) is still \(job.state)")
        return job
    }

    func job(_ id: JobID) async throws -> Job {
        try #require(try await store.job(id, tenant: Self.tenant))
    }
}

/// Polls `condition` every millisecond until it holds or `timeout` passes; records an issue on timeout.
func eventually(
    timeout: Duration = .seconds(20),
    _ what: String,
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(1))
    }
    Issue.record("timed out waiting until \(what)")
    throw CancellationError()
}
