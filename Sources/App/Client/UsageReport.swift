package import Foundation
import Jobs

/// `sluice usage`: turns the rows of `GET /v1/usage` into a table, and reads `--since` / `--until`.
package enum UsageReport {
    /// The groupings `GET /v1/usage` accepts.
    package static let groupings = ["model", "tenant", "day", "provider", "batch"]

    /// Parses `--group-by` values (repeated and/or comma-separated), keeping their order, without duplicates.
    /// - Throws: `ClientError(.usage)` for a name `GET /v1/usage` does not know.
    package static func groupBy(_ values: [String]) throws -> [String] {
        var keys: [String] = []
        for value in values {
            for part in value.split(separator: ",") {
                let key = part.trimmingCharacters(in: .whitespaces).lowercased()
                guard groupings.contains(key) else {
                    throw ClientError(
                        .usage,
                        "--group-by takes \(groupings.joined(separator: ", ")) (comma-separated or repeated), not '\(key)'."
                    )
                }
                if !keys.contains(key) { keys.append(key) }
            }
        }
        return keys
    }

    /// A point in time from `7d`, `24h`, `90m`, `30s` (that long before `now`), a date `2026-11-01` (UTC midnight)
    /// or Unix seconds.
    /// - Throws: `ClientError(.usage)` for anything else.
    package static func time(_ text: String, now: Date, option: String = "--since") throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let unit = trimmed.last, let amount = Int(trimmed.dropLast()), amount >= 0 {
            let seconds: Int? =
                switch unit {
                case "s": amount
                case "m": amount * 60
                case "h": amount * 3600
                case "d": amount * 86_400
                case "w": amount * 7 * 86_400
                default: nil
                }
            if let seconds { return now.addingTimeInterval(-Double(seconds)) }
        }
        if let seconds = Int(trimmed), seconds >= 0 { return Date(timeIntervalSince1970: Double(seconds)) }
        let parts = trimmed.split(separator: "-")
        if parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            if let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
                calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month
            {
                return date
            }
        }
        throw ClientError(
            .usage,
            "\(option) takes a duration back from now (30m, 24h, 7d, 2w), a date (2026-11-01, UTC) or Unix seconds, not '\(text)'."
        )
    }

    /// The table of usage rows: the grouping keys, then requests, cache hits, tokens and cost; a total row below
    /// when there is more than one row.
    package static func table(rows: [[String: Any]], groupBy: [String]) -> TextTable {
        var columns = groupBy.map { TextTable.Column($0.uppercased()) }
        columns += [
            .init("REQUESTS", alignment: .right), .init("CACHE HITS", alignment: .right),
            .init("PROMPT TOKENS", alignment: .right), .init("COMPLETION TOKENS", alignment: .right),
            .init("COST (USD)", alignment: .right),
        ]
        var table = TextTable(columns: columns)
        var total = Sums()
        for row in rows {
            let sums = Sums(row)
            total.add(sums)
            table.append(groupBy.map { (row[$0 == "batch" ? "batch_id" : $0] as? String) ?? "-" } + sums.cells)
        }
        if rows.count > 1 || groupBy.isEmpty && rows.isEmpty {
            table.appendFooter(
                (groupBy.isEmpty ? [] : ["TOTAL"] + Array(repeating: "", count: groupBy.count - 1)) + total.cells
            )
        }
        return table
    }

    /// The sums of one row (or of several, added up).
    struct Sums {
        var requests = 0
        var cacheHits = 0
        var promptTokens = 0
        var completionTokens = 0
        var knownCostMicros: Int64 = 0
        var unknownCostRequests = 0

        init() {}

        init(_ row: [String: Any]) {
            requests = Self.int(row["requests"])
            cacheHits = Self.int(row["cache_hits"])
            promptTokens = Self.int(row["prompt_tokens"])
            completionTokens = Self.int(row["completion_tokens"])
            knownCostMicros = Int64(Self.int(row["known_cost_micros"]))
            unknownCostRequests = Self.int(row["unknown_cost_requests"])
        }

        mutating func add(_ other: Sums) {
            requests += other.requests
            cacheHits += other.cacheHits
            promptTokens += other.promptTokens
            completionTokens += other.completionTokens
            knownCostMicros += other.knownCostMicros
            unknownCostRequests += other.unknownCostRequests
        }

        var cells: [String] {
            [
                TextTable.grouped(requests), TextTable.grouped(cacheHits), TextTable.grouped(promptTokens),
                TextTable.grouped(completionTokens),
                UsageReport.cost(known: knownCostMicros, unknown: unknownCostRequests),
            ]
        }

        private static func int(_ value: Any?) -> Int {
            (value as? Int) ?? (value as? NSNumber)?.intValue ?? 0
        }
    }

    /// `$0.001234`, or `≥ $0.001234 (3 unpriced)` when some requests had no known price.
    package static func cost(known: Int64, unknown: Int) -> String {
        let amount = "$" + MicroDollars.format(known)
        return unknown == 0 ? amount : ">= \(amount) (\(TextTable.grouped(unknown)) unpriced)"
    }
}
