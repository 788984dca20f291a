import API
import Logging
import ServiceLifecycle

extension SluiceServer {
    /// The environment variable that sets `drainDelay` for the executable, in seconds.
    static let drainDelayVariable = "SLUICE_DRAIN_SECONDS"

    /// Whether `GET /readyz` answers 200 now.
    package var isReady: Bool { readiness.isReady }

    /// `SLUICE_DRAIN_SECONDS` (a non-negative number of seconds, default 0).
    static func drainDelay(environment: [String: String]) throws -> Duration {
        guard let text = environment[drainDelayVariable], !text.isEmpty else { return .zero }
        guard let seconds = Double(text), seconds >= 0, seconds <= 3600 else {
            throw ConfigurationError(line: nil, "\(drainDelayVariable) must be a number of seconds from 0 to 3600")
        }
        return .milliseconds(Int64(seconds * 1000))
    }
}

/// The last service of the server's group, so a graceful shutdown reaches it first: it marks the server not ready
/// (`/readyz` 503), waits `delay` while the API still serves, then returns and lets the group stop the API.
///
/// ```swift
/// ServiceGroup(services: [workers, api, ReadinessDrain(readiness: readiness, delay: .seconds(5), logger: logger)])
/// ```
struct ReadinessDrain: Service {
    let readiness: Readiness
    let delay: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        readiness.beginDraining()
        guard delay > .zero, !Task.isCancelled else { return }
        logger.info("draining: /readyz answers 503", metadata: ["delay": "\(delay)"])
        try? await Task.sleep(for: delay)
    }
}
