import App
import ArgumentParser
import Foundation

/// `--log-format json|text`, shared by the commands that log: JSON lines when stderr is not a terminal, text on a
/// terminal, unless the flag or `SLUICE_LOG_FORMAT` says otherwise.
///
/// ```swift
/// @OptionGroup var logging: LoggingOptions
/// func run() async throws { try logging.bootstrap(); … }
/// ```
struct LoggingOptions: ParsableArguments {
    @Option(
        name: .customLong("log-format"),
        help: "Log lines as json or text (default: json when stderr is not a terminal; env SLUICE_LOG_FORMAT)."
    )
    var logFormat: String?

    /// Bootstraps swift-log with the chosen format; call once, before any logger is made.
    func bootstrap() throws {
        do {
            try LogFormat.resolve(flag: logFormat, environment: ProcessInfo.processInfo.environment).bootstrap()
        } catch let error as ConfigurationError {
            throw ValidationError(error.message)
        }
    }
}
