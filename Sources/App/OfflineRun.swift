import API
import Foundation
import Jobs
package import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals
import Workers

/// `sluice run`: an OpenAI-format batch file processed on this machine by the same queue and workers as the server,
/// with no HTTP server.
///
/// 1. Validate every line (streamed, nothing spent); `--dry-run` stops here with the estimate.
/// 2. Open the state directory (store plus lock) and insert the lines not stored yet (``OfflineRunBatches``: a
///    directory belongs to one input fingerprint; a rerun inserts nothing twice).
/// 3. Run transport, maintenance (its start-up rescue hands back the lines a killed run left running) and the worker
///    pool until every line is final, drawing progress.
/// 4. Write the output and errors files from the store and return the summary.
///
/// The first ``interrupt()`` (SIGINT or SIGTERM) drains: the pool stops claiming, running calls get
/// ``OfflineRunOptions/drainTimeout`` to finish, the partial results are written. The second aborts at once; the
/// next run's start-up rescue takes the running lines back.
///
/// ```swift
/// let run = OfflineRun(configuration: .embeddedDefault, options: options, environment: [:], logger: logger)
/// let summary = try await run.run()   // nil after a dry run
/// exit(summary?.exitCode ?? 0)
/// ```
package final class OfflineRun: Sendable {
    package let configuration: SluiceConfiguration
    package let options: OfflineRunOptions
    private let environment: [String: String]
    private let handleSignals: Bool
    private let logger: Logger
    private let output: @Sendable (String) -> Void
    private let abort: @Sendable () -> Void
    private let control = Mutex(Control())

    private struct Control {
        var group: ServiceGroup?
        var interrupts = 0
    }

    /// - Parameters:
    ///   - configuration: providers, queue, cache and prices (the same YAML as `sluice serve`); with `mock.enabled`
    ///     the in-process mock provider runs as provider `mock`.
    ///   - options: paths and flags.
    ///   - environment: where provider key variables are read.
    ///   - handleSignals: interrupt on SIGINT and SIGTERM (the executable); tests call ``interrupt()``.
    ///   - logger: the logger (the executable keeps it at warnings, so logs do not break the progress line).
    ///   - output: where the dry-run report goes (standard output by default).
    ///   - abort: what the second interrupt does (default: exit the process with 130 at once).
    package init(
        configuration: SluiceConfiguration,
        options: OfflineRunOptions,
        environment: [String: String],
        handleSignals: Bool = false,
        logger: Logger,
        output: @escaping @Sendable (String) -> Void = { text in
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        },
        abort: @escaping @Sendable () -> Void = { exit(130) }
    ) {
        self.configuration = configuration
        self.options = options
        self.environment = environment
        self.handleSignals = handleSignals
        self.logger = logger
        self.output = output
        self.abort = abort
    }

    /// The first call drains the run (stops claiming, lets running calls finish, writes partial results); the
    /// second aborts at once.
    package func interrupt() async {
        let (count, group) = control.withLock { control in
            control.interrupts += 1
            return (control.interrupts, control.group)
        }
        if count == 1 {
            FileHandle.standardError.write(
                Data("\nsluice run: stopping after the running calls (Ctrl-C again to abort at once)\n".utf8)
            )
            await group?.triggerGracefulShutdown()
        } else {
            abort()
        }
    }

    private var interrupted: Bool { control.withLock { $0.interrupts > 0 } }

    /// Runs the file to the end (or to an interrupt).
    /// - Returns: the summary; nil after a dry run.
    /// - Throws: `BatchFileLineParser.InvalidLine` for an invalid line, `ConfigurationError` for unusable input,
    ///   paths or state directory (exit 2), or what the store and workers throw.
    package func run() async throws -> OfflineRunSummary? {
        guard handleSignals else { return try await runUntilDone() }
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
                    await self.interrupt()
                }
            }
            defer { tasks.cancelAll() }
            return try await runUntilDone()
        }
    }

    private func runUntilDone() async throws -> OfflineRunSummary? {
        let clock = ContinuousClock()
        let start = clock.now
        try Self.checkPaths(options)
        let parser = Self.lineParser(configuration: configuration)
        let plan = try OfflineRunPlan.validate(
            path: options.inputPath,
            parser: parser,
            skipInvalid: options.skipInvalid
        )
        let prices = configuration.priceTable
        if options.dryRun {
            output(dryRunReport(plan, prices: prices))
            return nil
        }

        try FileManager.default.createDirectory(atPath: options.stateDirectory, withIntermediateDirectories: true)
        let lock = try DataDirectoryLock(dataDirectory: options.stateDirectory)
        defer { withExtendedLifetime(lock) {} }
        OfflineRunOutput.removeStaleTemporaryFiles(outputPath: options.outputPath, errorsPath: options.errorsPath)
        let store = try JobStore(
            configuration: .init(
                path: (options.stateDirectory as NSString).appendingPathComponent(SluiceServer.databaseFileName),
                synchronous: configuration.queue.synchronous,
                prices: prices
            ),
            logger: logger
        )
        defer { store.close() }

        let stored = try await OfflineRunBatches.storedChunks(
            in: store,
            fingerprint: plan.fingerprint,
            stateDirectory: options.stateDirectory
        )
        let inserted = try await OfflineRunBatches.insertMissing(
            into: store,
            path: options.inputPath,
            plan: plan,
            parser: parser,
            stored: stored
        )
        logger.info("run state ready", metadata: ["inserted_batches": "\(inserted)", "resumed": "\(!stored.isEmpty)"])

        let atStart = try await store.runCounts()
        let invalid = plan.invalidLines.count
        let progress = options.progress.map { ProgressDisplay(configuration: $0) }
        let snapshot: @Sendable () async throws -> ProgressSnapshot = {
            let counts = try await store.runCounts()
            let usage = try await store.usage(UsageQuery()).first
            return ProgressSnapshot(
                total: counts.total + invalid,
                done: counts.final + invalid,
                failed: counts.unsuccessful + invalid,
                retries: counts.retries,
                tokens: (usage?.promptTokens ?? 0) + (usage?.completionTokens ?? 0),
                costMicros: usage?.cost.knownCostMicros ?? 0,
                costIsPartial: (usage?.cost.unknownCostRequests ?? 0) > 0,
                elapsed: clock.now - start,
                doneAtStart: atStart.final + invalid
            )
        }
        if atStart.final < atStart.total {
            try await Self.checkLanes(
                store: store,
                configuration: configuration,
                stateDirectory: options.stateDirectory
            )
        }
        if atStart.final < atStart.total, !interrupted {
            try await runWorkers(store: store, progress: progress, snapshot: snapshot)
        }

        let written = try await OfflineRunOutput.write(
            from: store,
            order: options.keepOrder ? .id : .completion,
            outputPath: options.outputPath,
            errorsPath: options.errorsPath,
            invalidLines: plan.invalidLines
        )
        if let progress, let last = try? await snapshot() { progress.finish(last) }
        let counts = try await store.runCounts()
        let usage = try await store.usage(UsageQuery()).first
        return OfflineRunSummary(
            lines: counts.total + invalid,
            succeeded: counts.succeeded,
            failed: counts.unsuccessful + invalid,
            retries: counts.retries,
            promptTokens: usage?.promptTokens ?? 0,
            completionTokens: usage?.completionTokens ?? 0,
            costMicros: usage?.cost.knownCostMicros ?? 0,
            unknownCostRequests: usage?.cost.unknownCostRequests ?? 0,
            wallTime: clock.now - start,
            finishedHere: counts.final - atStart.final,
            interrupted: interrupted,
            outputPath: options.outputPath,
            outputLines: written.outputLines,
            errorsPath: options.errorsPath,
            errorLines: written.errorLines
        )
    }

    /// Runs the workers (with the in-process mock when enabled) until every line is final or an interrupt drained
    /// them.
    private func runWorkers(
        store: JobStore,
        progress: ProgressDisplay?,
        snapshot: @escaping @Sendable () async throws -> ProgressSnapshot
    ) async throws {
        guard configuration.mock.enabled else {
            try await runWorkers(
                store: store,
                providers: configuration.providers,
                progress: progress,
                snapshot: snapshot
            )
            return
        }
        try await InProcessMockProvider.with(
            latency: .milliseconds(configuration.mock.latencyMilliseconds),
            logger: logger
        ) { mock in
            try await runWorkers(
                store: store,
                providers: [mock] + configuration.providers,
                progress: progress,
                snapshot: snapshot
            )
        }
    }

    private func runWorkers(
        store: JobStore,
        providers: [ProviderConfiguration],
        progress: ProgressDisplay?,
        snapshot: @escaping @Sendable () async throws -> ProgressSnapshot
    ) async throws {
        var providers = providers
        if let concurrency = options.concurrency {
            for index in providers.indices { providers[index].limits.maxConcurrency = concurrency }
        }
        let workers = try QueueWorkers(
            configuration: configuration,
            store: store,
            providers: providers,
            environment: environment,
            shutdownTimeout: options.drainTimeout,
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: workers.services, logger: logger))
        let stopAtOnce = control.withLock { control in
            control.group = group
            return control.interrupts > 0
        }
        defer { control.withLock { $0.group = nil } }
        if stopAtOnce { return }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                try await Self.waitUntilAllFinal(store)
                await group.triggerGracefulShutdown()
            }
            if let progress {
                tasks.addTask { await progress.run(snapshot: snapshot) }
            }
            try await group.run()
            tasks.cancelAll()
        }
    }

    /// Polls the store's counts until every job is final.
    private static func waitUntilAllFinal(_ store: JobStore) async throws {
        let clock = ContinuousClock()
        while true {
            let counts = try await store.runCounts()
            if counts.final >= counts.total { return }
            try await clock.sleep(for: .milliseconds(100))
        }
    }

    /// Refuses unfinished lines stored for a provider this configuration runs no lane for (a run started with
    /// `--mock` resumed without it, or with another configuration): no worker would ever claim them and the run
    /// would wait for them forever.
    /// - Throws: a `ConfigurationError` naming the providers the stored lines need and the ones configured.
    static func checkLanes(store: JobStore, configuration: SluiceConfiguration, stateDirectory: String) async throws {
        let lanes = Set(lineParserProviders(configuration: configuration).map(\.name))
        let missing = try await store.queueDepths().filter { depth in
            depth.queued + depth.running > 0 && !lanes.contains(depth.provider)
        }
        guard !missing.isEmpty else { return }
        let lines = missing.reduce(0) { $0 + $1.queued + $1.running }
        let needed = missing.map(\.provider).sorted()
        let configured = lanes.isEmpty ? "none" : lanes.sorted().joined(separator: ", ")
        var message = "the state directory \(stateDirectory) holds \(lines) unfinished lines for provider(s) "
        message += "\(needed.joined(separator: ", ")), which this configuration has no lane for (its providers: "
        message += "\(configured)); run again with the configuration the run started with"
        if needed.contains(SluiceConfiguration.mockProviderName) { message += " (--mock for provider mock)" }
        message += ", or delete \(stateDirectory) to start over"
        throw ConfigurationError(line: nil, message)
    }

    /// Refuses, before anything is read or spent, outputs that would overwrite the input and output directories
    /// that cannot be written (the results are written only at the end).
    static func checkPaths(_ options: OfflineRunOptions) throws {
        let input = URL(fileURLWithPath: options.inputPath).standardizedFileURL.resolvingSymlinksInPath().path
        for (flag, path) in [("-o", options.outputPath), ("--errors", options.errorsPath)] {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            guard url.resolvingSymlinksInPath().path != input else {
                throw ConfigurationError(line: nil, "\(flag) \(path) is the input file; choose another path")
            }
            let directory = url.deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: directory) else {
                throw ConfigurationError(line: nil, "cannot write \(path): \(directory) is not a writable directory")
            }
        }
    }

    /// The line parser over the providers lines are routed to. The in-process mock's address is known only once it
    /// listens; routing needs only its name and models.
    static func lineParser(configuration: SluiceConfiguration) -> BatchFileLineParser {
        BatchFileLineParser(
            providers: lineParserProviders(configuration: configuration),
            defaultMaxAttempts: configuration.queue.maxAttempts
        )
    }

    /// The providers this run has lanes for: the configured ones, after the in-process mock when it is enabled.
    private static func lineParserProviders(configuration: SluiceConfiguration) -> [ProviderConfiguration] {
        var providers = configuration.providers
        if configuration.mock.enabled {
            let mock = ProviderConfiguration(
                name: SluiceConfiguration.mockProviderName,
                kind: .openai,
                baseURL: "http://127.0.0.1/v1",
                models: SluiceConfiguration.mockModels
            )
            providers.insert(mock, at: 0)
        }
        return providers
    }

    private func dryRunReport(_ plan: OfflineRunPlan, prices: PriceTable) -> String {
        var text = "Dry run of \(options.inputPath) (\(plan.fingerprint.bytes) bytes): "
        text += "\(ProgressDisplay.grouped(plan.validLines)) valid lines calling \(plan.endpoint)"
        if !plan.invalidLines.isEmpty {
            text += ", \(ProgressDisplay.grouped(plan.invalidLines.count)) invalid lines that would be skipped"
        }
        text += ".\n\n" + plan.estimate.report(prices: prices) + "\nNothing was sent."
        return text
    }
}
