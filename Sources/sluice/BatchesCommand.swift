import App
import ArgumentParser
import Foundation

/// `sluice batches list|get|cancel|results`.
struct BatchesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batches",
        abstract: "List, inspect, cancel and download batches.",
        discussion: """
            Works with the caller's key: a tenant key sees that tenant's batches; the admin key those of tenant \
            `default`.

            Examples:
              sluice batches list
              sluice batches get batch_12
              sluice batches results batch_12 -o answers.jsonl
              sluice batches cancel batch_12
            """,
        subcommands: [List.self, Get.self, Cancel.self, Results.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List batches, newest first.")

        @Option(name: .long, help: "How many (1 to 100).")
        var limit = 20

        @OptionGroup var connection: ClientOptions

        func validate() throws {
            guard (1...100).contains(limit) else { throw ValidationError("--limit must be from 1 to 100.") }
        }

        func run() async throws {
            let batches = try await connection.client().list("/v1/batches?limit=\(limit)")
            print(BatchesCommand.table(batches).render(), terminator: "")
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one batch.")

        @Argument(help: ArgumentHelp("The batch id, batch_<n>.", valueName: "batch-id"))
        var id: String

        @Flag(name: .long, help: "Print the batch object as JSON.")
        var json = false

        @OptionGroup var connection: ClientOptions

        func run() async throws {
            let batch = try await connection.client().object("GET", "/v1/batches/\(id)")
            if json {
                printJSON(batch)
            } else {
                print(BatchesCommand.table([batch]).render(), terminator: "")
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a batch: queued lines at once, running ones abort their call."
        )

        @Argument(help: ArgumentHelp("The batch id, batch_<n>.", valueName: "batch-id"))
        var id: String

        @OptionGroup var connection: ClientOptions

        func run() async throws {
            let batch = try await connection.client().object("POST", "/v1/batches/\(id)/cancel")
            print("\(batch["id"] as? String ?? id) is \(batch["status"] as? String ?? "?").")
        }
    }

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a batch's results (OpenAI's batch output lines, every line that is final so far)."
        )

        @Argument(help: ArgumentHelp("The batch id, batch_<n>.", valueName: "batch-id"))
        var id: String

        @Option(
            name: .shortAndLong,
            help: ArgumentHelp("Write them here instead of standard output.", valueName: "file")
        )
        var output: String?

        @OptionGroup var connection: ClientOptions

        func run() async throws {
            let answer = try await connection.client().send("GET", "/v1/batches/\(id)/results", timeout: .seconds(900))
            if let output {
                do {
                    try answer.body.write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw ClientError(.file, "Cannot write \(output): \(error.localizedDescription)")
                }
                let lines = answer.body.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                FileHandle.standardError.write(Data("\(TextTable.grouped(lines)) lines → \(output)\n".utf8))
            } else {
                FileHandle.standardOutput.write(answer.body)
            }
        }
    }

    /// One row per batch: id, status, progress, failures, cost, creation time.
    static func table(_ batches: [[String: Any]]) -> TextTable {
        var table = TextTable(columns: [
            .init("ID"), .init("STATUS"), .init("DONE", alignment: .right), .init("FAILED", alignment: .right),
            .init("TOKENS", alignment: .right), .init("COST (USD)", alignment: .right), .init("CREATED"),
        ])
        for batch in batches {
            let counts = batch["request_counts"] as? [String: Any] ?? [:]
            let usage = batch["usage"] as? [String: Any] ?? [:]
            let done = intField(counts["completed"]) + intField(counts["failed"])
            table.append([
                batch["id"] as? String ?? "?", batch["status"] as? String ?? "?",
                "\(TextTable.grouped(done))/\(TextTable.grouped(intField(counts["total"])))",
                TextTable.grouped(intField(counts["failed"])), TextTable.grouped(intField(usage["total_tokens"])),
                UsageReport.cost(
                    known: Int64(intField(batch["known_cost_micros"])),
                    unknown: intField(batch["unknown_cost_requests"])
                ),
                formatTime(batch["created_at"]),
            ])
        }
        return table
    }
}
