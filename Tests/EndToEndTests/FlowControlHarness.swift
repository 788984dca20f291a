import API
import Foundation
import Jobs
import Logging
import MockProvider
import ServiceLifecycle
import Testing
import Workers

/// The real execution stack without the HTTP API: a `JobStore` on a temporary SQLite file, a `WorkerPool` with
/// one lane (`flow`) sending through `CurlTransport` to an in-process `MockProviderServer` with the given limits
/// and faults. For the flow-control tests: rate limits, faults, fairness.
struct FlowControlHarness {
    static let provider = "flow"
    static let model = "mock-chat"

    let store: JobStore
    let mock: MockProviderServer
    let pool: WorkerPool

    /// Runs `body` with the stack started; shuts everything down afterwards.
    static func with<T: Sendable>(
        mock mockConfiguration: MockProviderConfiguration,
        limits: ProviderConfiguration.Limits,
        configuration: WorkerPool.Configuration = FlowControlHarness.configuration(),
        _ body: (FlowControlHarness) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "e2e.flow")
        logger.logLevel = .error
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-flow-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: logger
        )
        defer { store.close() }
        let mock = MockProviderServer(configuration: mockConfiguration, logger: logger)
        let mockGroup = ServiceGroup(configuration: .init(services: [.init(service: mock)], logger: logger))
        let mockTask = Task { try await mockGroup.run() }
        defer { mockTask.cancel() }
        let port = try await mock.waitUntilListening()
        let transport = try CurlTransport()
        defer { transport.shutdown() }
        let pool = try WorkerPool(
            store: store,
            transport: transport,
            providers: [
                ProviderConfiguration(
                    name: provider,
                    kind: .openai,
                    baseURL: "http://127.0.0.1:\(port)/v1",
                    models: [model],
                    limits: limits
                )
            ],
            configuration: configuration,
            environment: [:],
            logger: logger
        )
        // The finalizer moves finished batches (`finalizing`) to their final status.
        let finalizer = BatchFinalizer(store: store, logger: logger)
        let poolGroup = ServiceGroup(
            configuration: .init(services: [.init(service: finalizer), .init(service: pool)], logger: logger)
        )
        let poolTask = Task { try await poolGroup.run() }
        let harness = FlowControlHarness(store: store, mock: mock, pool: pool)
        let result: T
        do {
            result = try await body(harness)
        } catch {
            await poolGroup.triggerGracefulShutdown()
            _ = try? await poolTask.value
            transport.shutdown()
            await mockGroup.triggerGracefulShutdown()
            _ = try? await mockTask.value
            throw error
        }
        // Pool first (it hands back what runs), then the client's connections, then the server.
        await poolGroup.triggerGracefulShutdown()
        try await poolTask.value
        transport.shutdown()
        await mockGroup.triggerGracefulShutdown()
        try await mockTask.value
        return result
    }

    /// Test settings: short retries, fast polling, a request timeout short enough for hangs to end quickly.
    static func configuration(requestTimeout: Duration = .seconds(30)) -> WorkerPool.Configuration {
        WorkerPool.Configuration(
            leaseDuration: .seconds(60),
            idlePollMinimum: .milliseconds(1),
            idlePollMaximum: .milliseconds(50),
            shutdownTimeout: .milliseconds(200),
            retryPolicy: RetryPolicy(base: .milliseconds(20), cap: .milliseconds(200)),
            requestTimeout: requestTimeout
        )
    }

    /// Inserts a batch of `count` chat jobs for `tenant`.
    func submitBatch(_ count: Int, tenant: String, maxAttempts: Int = 5) async throws -> Batch {
        let jobs = (0..<count).map { index in
            NewJob(
                customID: "\(tenant)-\(index)",
                provider: Self.provider,
                model: Self.model,
                endpoint: "/v1/chat/completions",
                body: Self.body("\(tenant) document \(index)"),
                maxAttempts: maxAttempts
            )
        }
        return try await store.insertBatch(
            NewBatch(
                endpoint: "/v1/chat/completions",
                completionWindow: "24h",
                metadata: nil,
                expiresAt: Date().addingTimeInterval(86_400),
                jobs: jobs
            ),
            tenant: tenant,
            idempotencyKey: nil
        )
    }

    /// Inserts one chat job for `tenant`.
    func submitJob(tenant: String, name: String) async throws -> Job {
        try await store.insertJob(
            NewJob(
                customID: name,
                provider: Self.provider,
                model: Self.model,
                endpoint: "/v1/chat/completions",
                body: Self.body(name)
            ),
            tenant: tenant,
            idempotencyKey: nil
        )
    }

    static func body(_ text: String) -> Data {
        Data(#"{"model":"mock-chat","max_tokens":16,"messages":[{"role":"user","content":"\#(text)"}]}"#.utf8)
    }

    /// Polls the batch (every 20 ms, with a deadline) until it is final.
    func waitForBatch(_ id: BatchID, tenant: String, timeout: Duration = .seconds(90)) async throws -> Batch {
        let deadline = ContinuousClock.now + timeout
        while true {
            let batch = try #require(try await store.batch(id, tenant: tenant))
            if batch.status.isFinal { return batch }
            if ContinuousClock.now > deadline {
                Issue.record("batch \(id) not final in time: \(batch.status) \(batch.counts)")
                return batch
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Every job of the tenant, read page by page.
    func allJobs(tenant: String) async throws -> [Job] {
        var jobs: [Job] = []
        var after: JobID?
        while true {
            let page = try await store.jobs(tenant: tenant, state: nil, batch: nil, after: after, limit: 500)
            jobs += page
            guard let last = page.last, page.count == 500 else { return jobs }
            after = last.id
        }
    }
}
