import Logging
import ServiceLifecycle
import Testing

@testable import Workers

/// `CurlTransport` as a `Service` in a `ServiceGroup`.
@Suite struct CurlTransportServiceTests {
    @Test(.timeLimit(.minutes(1)))
    func run_whenGracefulShutdownTriggered_shutsTransportDown() async throws {
        try await CurlTransportTestServer.with { baseURL, _ in
            let transport = try CurlTransport()
            let group = ServiceGroup(
                configuration: .init(services: [transport], gracefulShutdownSignals: [], logger: Logger(label: "test"))
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                #expect(try await transport.get("\(baseURL)/hello").status == 200)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            let error = await #expect(throws: TransportError.self) {
                try await transport.get("\(baseURL)/hello")
            }
            #expect(error?.code == .cancelled)
        }
    }
}
