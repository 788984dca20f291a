import Foundation
import Testing

@testable import App

@Suite struct UsageReportTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: [("30m", 1800.0), ("24h", 86_400), ("7d", 604_800), ("2w", 1_209_600), ("0d", 0), ("45s", 45)])
    func time_duration_isThatLongBeforeNow(text: String, seconds: Double) throws {
        #expect(try UsageReport.time(text, now: now) == now.addingTimeInterval(-seconds))
    }

    @Test func time_dateOrUnixSeconds_isAbsolute() throws {
        #expect(try UsageReport.time("2026-11-01", now: now) == Date(timeIntervalSince1970: 1_793_491_200))
        #expect(try UsageReport.time("1700000000", now: now) == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test(arguments: ["", "7x", "-3d", "yesterday", "2026-02-30", "2026-13-01", "d"])
    func time_whenMalformed_throwsUsageErrorNamingTheOption(text: String) {
        #expect {
            try UsageReport.time(text, now: now, option: "--until")
        } throws: { error in
            (error as? ClientError)?.code == .usage && (error as? ClientError)?.message.contains("--until") == true
        }
    }

    @Test func groupBy_acceptsRepeatedAndCommaSeparated_dropsDuplicates_keepsOrder() throws {
        #expect(try UsageReport.groupBy(["model,day", "tenant", "MODEL"]) == ["model", "day", "tenant"])
        #expect(try UsageReport.groupBy([]) == [])
        #expect(throws: ClientError.self) { try UsageReport.groupBy(["colour"]) }
    }

    @Test func table_rowsPerGroup_withTotalAndExactCost() {
        let rows: [[String: Any]] = [
            [
                "model": "mock-chat", "requests": 3, "cache_hits": 1, "prompt_tokens": 300, "completion_tokens": 30,
                "known_cost_micros": 1_500, "unknown_cost_requests": 0,
            ],
            [
                "model": "local-llama", "requests": 1_000, "cache_hits": 0, "prompt_tokens": 12_000,
                "completion_tokens": 900, "known_cost_micros": 0, "unknown_cost_requests": 1_000,
            ],
        ]
        let text = UsageReport.table(rows: rows, groupBy: ["model"]).render()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("MODEL"))
        #expect(lines[2].hasPrefix("mock-chat") && lines[2].hasSuffix("$0.001500"))
        #expect(lines[3].hasPrefix("local-llama") && lines[3].hasSuffix(">= $0.000000 (1,000 unpriced)"))
        #expect(lines[5].hasPrefix("TOTAL") && lines[5].contains("1,003") && lines[5].contains("12,300"))
        #expect(lines[5].hasSuffix(">= $0.001500 (1,000 unpriced)"))
    }

    @Test func table_withoutGrouping_isOneTotalRow() {
        let rows: [[String: Any]] = [["requests": 2, "known_cost_micros": 19, "unknown_cost_requests": 0]]
        let text = UsageReport.table(rows: rows, groupBy: []).render()
        #expect(text.split(separator: "\n").count == 3)
        #expect(text.contains("$0.000019"))
    }
}
