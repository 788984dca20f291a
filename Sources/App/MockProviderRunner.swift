import Logging
import MockProvider
import ServiceLifecycle
import UnixSignals

/// Runs the mock provider alone until SIGTERM or SIGINT (`sluice mock-provider`).
package enum MockProviderRunner {
    package static func run(host: String, port: Int, latency: Duration, jitter: Duration) async throws {
        let logger = Logger(label: "sluice.mock-provider")
        let server = MockProviderServer(
            configuration: MockProviderConfiguration(host: host, port: port, latency: latency, latencyJitter: jitter),
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                let bound = try await server.waitUntilListening()
                print("mock provider listening on http://\(host):\(bound)/v1 (stats: /_mock/stats)")
            }
            try await tasks.waitForAll()
        }
    }
}
