import Jobs
import Logging
import MockProvider
import ServiceLifecycle

/// The in-process mock provider (`mock.enabled`, `sluice run --mock`): started on 127.0.0.1 port 0 for as long as
/// a body runs, and handed to it as provider `mock` (models `mock-chat`, `mock-embed`).
enum InProcessMockProvider {
    /// Runs `body` with the mock listening, then stops the mock.
    /// - Parameters:
    ///   - latency: added to every answer.
    ///   - logger: the mock's logger.
    ///   - body: gets the provider configuration pointing at the mock.
    static func with<Result: Sendable>(
        latency: Duration,
        logger: Logger,
        _ body: (ProviderConfiguration) async throws -> Result
    ) async throws -> Result {
        let mock = MockProviderServer(
            configuration: MockProviderConfiguration(host: "127.0.0.1", port: 0, latency: latency),
            logger: logger
        )
        let mockGroup = ServiceGroup(configuration: .init(services: [.init(service: mock)], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await mockGroup.run() }
            defer { tasks.cancelAll() }
            let port = try await mock.waitUntilListening()
            logger.info("in-process mock provider listening", metadata: ["port": "\(port)"])
            let provider = ProviderConfiguration(
                name: SluiceConfiguration.mockProviderName,
                kind: .openai,
                baseURL: "http://127.0.0.1:\(port)/v1",
                models: SluiceConfiguration.mockModels
            )
            let result = try await body(provider)
            await mockGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }
}
