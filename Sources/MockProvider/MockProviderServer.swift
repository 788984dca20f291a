import Hummingbird
package import Logging
import NIOCore
import ServiceLifecycle

/// The mock LLM provider: a real HTTP server speaking OpenAI's chat completions and embeddings wire format,
/// with deterministic answers, realistic usage, dialled-in latency and counters of what it served.
///
/// It is a `Service`: run it in a `ServiceGroup` (it stops on graceful shutdown) and ask it for the port it
/// bound, which is what you need when the configuration says port 0.
///
/// ```swift
/// let server = MockProviderServer(configuration: .init(latency: .milliseconds(20)))
/// let group = ServiceGroup(services: [server], logger: logger)
/// try await withThrowingTaskGroup(of: Void.self) { tasks in
///     tasks.addTask { try await group.run() }
///     let port = try await server.waitUntilListening()
///     // POST http://127.0.0.1:\(port)/v1/chat/completions …
///     await group.triggerGracefulShutdown()
/// }
/// ```
package final class MockProviderServer: Service, Sendable {
    package let configuration: MockProviderConfiguration
    /// What the server has served so far (also `GET /_mock/stats`).
    package let stats: MockProviderStats
    private let sequence = RequestSequence()
    private let listeningSignal = ListeningSignal()
    private let logger: Logger

    /// - Parameters:
    ///   - configuration: Address, latency, limits and faults; the default is instant and unlimited on a free port.
    ///   - logger: Logger for the HTTP server (it logs one line when listening); never logs bodies or headers.
    package init(
        configuration: MockProviderConfiguration = MockProviderConfiguration(),
        logger: Logger = Logger(label: "sluice.mock-provider")
    ) {
        self.configuration = configuration
        self.stats = MockProviderStats()
        self.logger = logger
    }

    /// The port the server listens on, or `nil` before it listens and after it stopped.
    package var port: Int? { listeningSignal.port }

    /// Waits until the server listens and returns the port it bound (the real one when configured with 0).
    ///
    /// Call it while `run()` is running or about to run.
    /// - Throws: `MockProviderError` when the server stopped (or failed to bind) before listening, or has stopped.
    package func waitUntilListening() async throws -> Int {
        try await listeningSignal.wait()
    }

    /// Serves until graceful shutdown (or cancellation). Run it once.
    package func run() async throws {
        let responder = MockResponder(configuration: configuration, stats: stats, sequence: sequence)
        let signal = listeningSignal
        let app = Application(
            responder: responder,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                guard let port = channel.localAddress?.port else { return }
                signal.listening(on: port)
            },
            logger: logger
        )
        do {
            try await app.run()
            signal.stopped(reason: "the mock provider stopped before it was listening")
        } catch {
            signal.stopped(reason: "the mock provider failed to start: \(error)")
            throw error
        }
    }
}
