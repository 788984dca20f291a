import App
import ArgumentParser
import Foundation

/// `sluice usage`: the cost ledger as a table.
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Show requests, tokens and dollars from the cost ledger, grouped as you ask.",
        discussion: """
            Reads GET /v1/usage. With the admin key it covers every tenant (or --tenant); with a tenant key, that \
            tenant only. Costs are exact (integer micro-dollars on the server); a cost with unpriced requests is \
            shown as a lower bound.

            Examples:
              sluice usage --since 7d --group-by model
              sluice usage --since 2026-11-01 --group-by tenant,day
              sluice usage --since 24h --group-by model --tenant acme
            """
    )

    @Option(name: .long, help: "Only rows from then on: 30m, 24h, 7d, 2w, a date (2026-11-01, UTC) or Unix seconds.")
    var since: String?

    @Option(name: .long, help: "Only rows before then (same forms as --since).")
    var until: String?

    @Option(
        name: .customLong("group-by"),
        help: "Group by model, tenant, day, provider or batch; repeat or comma-separate for several."
    )
    var groupBy: [String] = []

    @Option(name: .long, help: "Only this tenant (admin key).")
    var tenant: String?

    @Flag(name: .long, help: "Print the server's JSON instead of a table.")
    var json = false

    @OptionGroup var connection: ClientOptions

    func validate() throws {
        do {
            _ = try query(now: Date())
        } catch let error as ClientError {
            throw ValidationError(error.message)
        }
    }

    /// The query string of `GET /v1/usage` and the grouping keys.
    func query(now: Date) throws -> (query: String, keys: [String]) {
        let keys = try UsageReport.groupBy(groupBy)
        var items: [String] = []
        if let since { items.append("start_time=\(Int(try UsageReport.time(since, now: now).timeIntervalSince1970))") }
        if let until {
            items.append(
                "end_time=\(Int(try UsageReport.time(until, now: now, option: "--until").timeIntervalSince1970))"
            )
        }
        if !keys.isEmpty { items.append("group_by=\(keys.joined(separator: ","))") }
        if let tenant, let encoded = tenant.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
            items.append("tenant=\(encoded)")
        }
        return (items.isEmpty ? "" : "?" + items.joined(separator: "&"), keys)
    }

    func run() async throws {
        let (query, keys) = try query(now: Date())
        let client = try connection.client()
        if json {
            printJSON(try await client.object("GET", "/v1/usage\(query)"))
            return
        }
        let rows = try await client.list("/v1/usage\(query)")
        print(UsageReport.table(rows: rows, groupBy: keys).render(), terminator: "")
    }
}
