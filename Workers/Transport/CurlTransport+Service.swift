import ServiceLifecycle

/// Lets the transport sit in the application's `ServiceGroup`: it runs until graceful shutdown (or
/// cancellation), then fails what is still in flight and stops its thread. Place it before the workers
/// that use it, so it shuts down after them.
///
/// ```swift
/// let transport = try CurlTransport()
/// let group = ServiceGroup(services: [transport, workerPool, server], logger: logger)
/// try await group.run()
/// ```
extension CurlTransport: Service {
    package func run() async throws {
        try? await gracefulShutdown()
        shutdown()
    }
}
