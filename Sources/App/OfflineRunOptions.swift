/// What `sluice run` was asked to do; the paths already resolved by the command line.
package struct OfflineRunOptions: Sendable {
    /// Default time running calls get to finish after the first interrupt: 10 s.
    package static let defaultDrainTimeout: Duration = .seconds(10)

    /// The OpenAI-format batch input file (JSONL).
    package var inputPath: String
    /// Where succeeded lines go.
    package var outputPath: String
    /// Where failed, expired and skipped lines go (default: the output path with `.errors.jsonl`).
    package var errorsPath: String
    /// The state directory holding the store and its lock (default: the output path plus `.sluice`).
    package var stateDirectory: String
    /// Write the output in input order instead of completion order.
    package var keepOrder: Bool
    /// Write invalid lines to the errors file instead of refusing the file.
    package var skipInvalid: Bool
    /// Validate and estimate only.
    package var dryRun: Bool
    /// Caps every lane's calls in flight (overrides each provider's `max_concurrency`).
    package var concurrency: Int?
    /// How long running calls may finish after the first interrupt before they are handed back.
    package var drainTimeout: Duration
    /// The progress display; nil for none.
    package var progress: ProgressDisplay.Configuration?

    package init(
        inputPath: String,
        outputPath: String,
        errorsPath: String? = nil,
        stateDirectory: String? = nil,
        keepOrder: Bool = false,
        skipInvalid: Bool = false,
        dryRun: Bool = false,
        concurrency: Int? = nil,
        drainTimeout: Duration = OfflineRunOptions.defaultDrainTimeout,
        progress: ProgressDisplay.Configuration? = nil
    ) {
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.errorsPath = errorsPath ?? Self.defaultErrorsPath(forOutput: outputPath)
        self.stateDirectory = stateDirectory ?? outputPath + ".sluice"
        self.keepOrder = keepOrder
        self.skipInvalid = skipInvalid
        self.dryRun = dryRun
        self.concurrency = concurrency
        self.drainTimeout = drainTimeout
        self.progress = progress
    }

    /// `out.jsonl` → `out.errors.jsonl`; a name without `.jsonl` gets `.errors.jsonl` appended.
    package static func defaultErrorsPath(forOutput output: String) -> String {
        output.hasSuffix(".jsonl") ? String(output.dropLast(6)) + ".errors.jsonl" : output + ".errors.jsonl"
    }
}
