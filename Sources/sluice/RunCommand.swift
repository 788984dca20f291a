import API
import App
import ArgumentParser
import Foundation
import Logging

/// `sluice run`: processes an OpenAI-format batch file on this machine, resumably, with no server.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Process an OpenAI-format batch file (JSONL) on this machine, resumably.",
        discussion: """
            Every line is validated before anything is sent, then the lines run through the same queue and workers \
            as `sluice serve`, against the configured providers (--config, the same YAML as `serve`) or the \
            in-process mock provider (--mock, also the default without --config). The run's state (a SQLite store \
            and a lock) lives in OUTPUT.sluice/ (--state): running the same command again after a crash, a kill \
            or Ctrl-C continues where it stopped and never sends a finished line again. Ctrl-C once drains (running \
            calls finish, partial results are written); twice aborts at once.

            Succeeded lines go to OUTPUT in OpenAI's batch output format (completion order, or input order with \
            --keep-order); failed and expired ones to the errors file. Exit status: 0 when every line succeeded, \
            1 when some failed, 2 for unusable input or options, 130 when interrupted.
            """
    )

    @Argument(help: "The batch input file: one OpenAI batch request line per line (JSONL).")
    var input: String

    @Option(name: [.customShort("o"), .long], help: "Where the succeeded lines are written.")
    var output: String

    @Option(name: .long, help: "YAML configuration file (providers, queue, prices), as for `sluice serve`.")
    var config: String?

    @Flag(name: .long, help: "Send the lines to the in-process mock provider (models mock-chat, mock-embed).")
    var mock = false

    @Option(name: .customLong("mock-latency-ms"), help: "Latency of the in-process mock provider, in milliseconds.")
    var mockLatencyMilliseconds: Int?

    @Flag(name: .customLong("keep-order"), help: "Write the output in input order (default: completion order).")
    var keepOrder = false

    @Option(name: .long, help: "Where failed and expired lines are written (default: OUTPUT with .errors.jsonl).")
    var errors: String?

    @Option(name: .long, help: "Most calls in flight per provider (overrides each provider's max_concurrency).")
    var concurrency: Int?

    @Flag(name: .customLong("dry-run"), help: "Validate the file and print estimated tokens and cost; send nothing.")
    var dryRun = false

    @Flag(name: .customLong("skip-invalid"), help: "Write invalid lines to the errors file instead of stopping.")
    var skipInvalid = false

    @Option(name: .long, help: "State directory of the run (default: OUTPUT.sluice).")
    var state: String?

    @Option(name: .customLong("progress-interval"), help: "Seconds between progress lines when not on a terminal.")
    var progressInterval: Int = 10

    @Flag(name: .customLong("no-progress"), help: "Show no progress.")
    var noProgress = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let run: OfflineRun
        do {
            run = try makeRun(environment: environment)
        } catch {
            throw fail(error)
        }
        let summary: OfflineRunSummary?
        do {
            summary = try await run.run()
        } catch let error as ConfigurationError {
            throw fail(error)
        } catch let error as BatchFileLineParser.InvalidLine {
            throw fail(error)
        }
        guard let summary else { return }
        print(summary.render())
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    private func makeRun(environment: [String: String]) throws -> OfflineRun {
        guard concurrency.map({ $0 >= 1 }) ?? true else {
            throw ConfigurationError(line: nil, "--concurrency must be >= 1")
        }
        guard progressInterval >= 1 else { throw ConfigurationError(line: nil, "--progress-interval must be >= 1") }
        var configuration: SluiceConfiguration
        if let config {
            let text: String
            do {
                text = try String(contentsOfFile: config, encoding: .utf8)
            } catch {
                throw ConfigurationError(line: nil, "cannot read \(config)")
            }
            do {
                configuration = try ConfigurationLoader.parse(yaml: text)
            } catch let error as ConfigurationError {
                throw ConfigurationError(line: nil, "\(config): \(error)")
            }
        } else {
            configuration = .embeddedDefault
        }
        try ConfigurationLoader.applyEnvironment(environment, to: &configuration)
        if mock { configuration.mock.enabled = true }
        if let mockLatencyMilliseconds {
            guard mockLatencyMilliseconds >= 0 else {
                throw ConfigurationError(line: nil, "--mock-latency-ms must be >= 0")
            }
            configuration.mock.latencyMilliseconds = mockLatencyMilliseconds
        }
        try ConfigurationLoader.validate(configuration)

        var logger = Logger(label: "sluice.run")
        logger.logLevel = environment["SLUICE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let options = OfflineRunOptions(
            inputPath: input,
            outputPath: output,
            errorsPath: errors,
            stateDirectory: state,
            keepOrder: keepOrder,
            skipInvalid: skipInvalid,
            dryRun: dryRun,
            concurrency: concurrency,
            progress: noProgress
                ? nil : ProgressDisplay.Configuration(style: .detect(), plainInterval: .seconds(progressInterval))
        )
        return OfflineRun(
            configuration: configuration,
            options: options,
            environment: environment,
            handleSignals: true,
            logger: logger
        )
    }

    /// Prints the problem and exits 2 (unusable input or options).
    private func fail(_ error: any Error) -> ExitCode {
        let message = (error as? ConfigurationError)?.message ?? "\(error)"
        FileHandle.standardError.write(Data("sluice run: \(message)\n".utf8))
        return ExitCode(2)
    }
}
