import App
import ArgumentParser
import Foundation

/// `sluice serve`: the HTTP API, the worker pool and maintenance in one process.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the API and drain the queue into the providers.",
        discussion: """
            With no configuration file this is the embedded default: 127.0.0.1:8080, data in ./sluice-data and an \
            in-process mock provider `mock` (models mock-chat, mock-embed). Flags win over the environment \
            (SLUICE_HOST, SLUICE_PORT, SLUICE_DATA_DIR), which wins over the file.
            """
    )

    @Option(name: .long, help: "YAML configuration file.")
    var config: String?

    @Option(name: .long, help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (default 8080).")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Data directory (default ./sluice-data).")
    var dataDirectory: String?

    @Option(name: .customLong("mock-latency-ms"), help: "Latency of the in-process mock provider, in milliseconds.")
    var mockLatencyMilliseconds: Int?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try logging.bootstrap()
        var configuration: SluiceConfiguration
        do {
            if let config {
                let text = try String(contentsOfFile: config, encoding: .utf8)
                configuration = try ConfigurationLoader.parse(yaml: text)
            } else {
                configuration = .embeddedDefault
            }
            try ConfigurationLoader.applyEnvironment(ProcessInfo.processInfo.environment, to: &configuration)
            if let host { configuration.listen.host = host }
            if let port {
                guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
                configuration.listen.port = port
            }
            if let dataDirectory { configuration.dataDirectory = dataDirectory }
            if let mockLatencyMilliseconds {
                guard mockLatencyMilliseconds >= 0 else { throw ValidationError("--mock-latency-ms must be >= 0") }
                configuration.mock.latencyMilliseconds = mockLatencyMilliseconds
            }
            try ConfigurationLoader.validate(configuration)
        } catch let error as ConfigurationError {
            throw ValidationError("\(config.map { "\($0): " } ?? "")\(error)")
        }
        try await SluiceServer.run(configuration: configuration, environment: ProcessInfo.processInfo.environment)
    }
}
