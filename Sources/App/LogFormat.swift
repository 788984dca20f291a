import Foundation
package import Logging

/// How `sluice` writes its log lines to stderr: one JSON object per line for machines, swift-log's usual one-line
/// text for people. The default is JSON when stderr is not a terminal (a service manager, a container, a pipe)
/// and text on a terminal; `--log-format` or `SLUICE_LOG_FORMAT` forces one.
package enum LogFormat: String, Sendable, CaseIterable {
    /// `JSONLogHandler`: `{"timestamp","level","label","message","metadata":{…}}` per line.
    case json
    /// swift-log's `StreamLogHandler`: `2026-01-01T00:00:00+0000 info sluice: request_id=… message`.
    case text

    /// The environment variable that forces a format.
    package static let environmentVariable = "SLUICE_LOG_FORMAT"

    /// Picks the format: the flag, else the environment, else JSON unless stderr is a terminal.
    /// - Throws: `ConfigurationError` when the flag or the variable names no format.
    package static func resolve(
        flag: String?,
        environment: [String: String],
        stderrIsTerminal: Bool = isatty(STDERR_FILENO) == 1
    ) throws -> LogFormat {
        if let flag {
            guard let format = LogFormat(rawValue: flag.lowercased()) else {
                throw ConfigurationError(line: nil, "--log-format must be json or text, not '\(flag)'")
            }
            return format
        }
        if let value = environment[environmentVariable], !value.isEmpty {
            guard let format = LogFormat(rawValue: value.lowercased()) else {
                throw ConfigurationError(line: nil, "\(environmentVariable) must be json or text, not '\(value)'")
            }
            return format
        }
        return stderrIsTerminal ? .text : .json
    }

    /// Makes every `Logger` of the process write in this format to stderr. Call once, first thing in `main`
    /// (swift-log allows one bootstrap per process).
    package func bootstrap() {
        switch self {
        case .json:
            let output = LogOutput.standardError
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, output: output) }
        case .text:
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
        }
    }
}
