import App
import ArgumentParser
import Foundation

/// `sluice submit INPUT.jsonl`: the batch file goes to a running server; the results come back into a file.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a JSONL batch file to a Sluice server, wait for it, and download the results.",
        discussion: """
            Each line of INPUT is one OpenAI batch request line ({"custom_id", "method", "url", "body"}). The file \
            is sent as one batch (POST /v1/batches with the JSONL as its body; a file over the server's body limit \
            goes through the Files API instead, as --files asks), progress is shown while the server works on it, \
            and the results are written in OpenAI's batch output format: lines that succeeded to OUTPUT, every other line \
            to the errors file (OUTPUT with .errors before the extension).

            Running the same command again attaches to the batch already submitted for this file (it is \
            recognised by its SHA-256) instead of paying for it twice; --fresh submits it as a new batch. Ctrl-C \
            stops waiting, not the batch: it goes on on the server (sluice batches get|results ID).

            Exit status: 0 when every line succeeded, 1 when some failed, 2 when the batch did not complete \
            (expired, cancelled, failed), 3 when it could not be submitted or downloaded.

            Example:
              export SLUICE_API_KEY=sk-sluice-…
              sluice submit prompts.jsonl --server http://127.0.0.1:8080 -o answers.jsonl
            """
    )

    @Argument(help: ArgumentHelp("The batch file: one OpenAI batch request line per line.", valueName: "input.jsonl"))
    var input: String

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Where successful lines go (default INPUT.output.jsonl).", valueName: "output.jsonl")
    )
    var output: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Where failed lines go (default OUTPUT.errors.jsonl).", valueName: "errors.jsonl")
    )
    var errors: String?

    @Option(
        name: .customLong("completion-window"),
        help: "How long the batch may take, e.g. 1h or 24h (server default 24h)."
    )
    var completionWindow: String?

    @Flag(name: .long, help: "Submit the file as a new batch even if it was submitted before.")
    var fresh = false

    @Flag(
        name: .long,
        help:
            "Upload through the Files API (POST /v1/files) even when the file fits in one request (automatic when not)."
    )
    var files = false

    @OptionGroup var connection: ClientOptions

    func validate() throws {
        guard FileManager.default.isReadableFile(atPath: input) else {
            throw ValidationError("Cannot read \(input).")
        }
        if let output, output == input { throw ValidationError("The output must not be the input file.") }
    }

    func run() async throws {
        let client = try connection.client()
        let outputPath = output ?? SubmitSession.Options.defaultOutput(forInput: input)
        let session = SubmitSession(
            client: client,
            options: .init(
                input: input,
                output: outputPath,
                errors: errors,
                completionWindow: completionWindow,
                fresh: fresh,
                throughFiles: files
            )
        )
        let summary: SubmitSession.Summary
        do {
            summary = try await session.run(display: ProgressDisplay(configuration: .init(style: .detect())))
        } catch let error as ClientError {
            FileHandle.standardError.write(Data("sluice submit: \(error.message)\n".utf8))
            throw ExitCode(3)
        }
        var lines = [
            "\(summary.batchID) \(summary.status): \(TextTable.grouped(summary.succeeded)) succeeded, "
                + "\(TextTable.grouped(summary.failed)) failed of \(TextTable.grouped(summary.total)); "
                + "\(TextTable.grouped(summary.tokens)) tokens, "
                + UsageReport.cost(known: summary.knownCostMicros, unknown: summary.unknownCostRequests),
            "  \(TextTable.grouped(summary.outputLines)) \(summary.outputLines == 1 ? "line" : "lines") → \(outputPath)",
        ]
        if summary.errorLines > 0 {
            lines.append(
                "  \(TextTable.grouped(summary.errorLines)) \(summary.errorLines == 1 ? "line" : "lines") → "
                    + session.options.errors
            )
        }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}
