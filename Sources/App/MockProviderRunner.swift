import Logging
import MockProvider
import ServiceLifecycle
import UnixSignals

/// Runs the mock provider alone until SIGTERM or SIGINT (`sluice mock-provider`).
package enum MockProviderRunner {
    /// What the command line dials in; every value already validated by the command.
    package struct Options: Sendable, Equatable {
        package var host: String
        package var port: Int
        package var latency: Duration
        package var jitter: Duration
        /// Requests per minute the mock admits; `nil` is unlimited.
        package var rpm: Int?
        /// Tokens per minute the mock admits; `nil` is unlimited.
        package var tpm: Int?
        /// Fault shares, each in 0...1, summing to at most 1.
        package var fail5xx: Double
        package var fail429: Double
        package var hang: Double
        package var garbage: Double
        package var drop: Double

        package init(
            host: String,
            port: Int,
            latency: Duration = .zero,
            jitter: Duration = .zero,
            rpm: Int? = nil,
            tpm: Int? = nil,
            fail5xx: Double = 0,
            fail429: Double = 0,
            hang: Double = 0,
            garbage: Double = 0,
            drop: Double = 0
        ) {
            self.host = host
            self.port = port
            self.latency = latency
            self.jitter = jitter
            self.rpm = rpm
            self.tpm = tpm
            self.fail5xx = fail5xx
            self.fail429 = fail429
            self.hang = hang
            self.garbage = garbage
            self.drop = drop
        }

        /// The mock's configuration for these options.
        var configuration: MockProviderConfiguration {
            MockProviderConfiguration(
                host: host,
                port: port,
                latency: latency,
                latencyJitter: jitter,
                rpm: rpm,
                tpm: tpm,
                faults: .init(fail5xx: fail5xx, fail429: fail429, hang: hang, garbage: garbage, drop: drop)
            )
        }
    }

    /// Runs until SIGTERM or SIGINT, printing the bound address once listening.
    package static func run(options: Options) async throws {
        let logger = Logger(label: "sluice.mock-provider")
        let server = MockProviderServer(configuration: options.configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        let host = options.host
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
