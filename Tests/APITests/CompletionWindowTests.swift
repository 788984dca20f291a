import Testing

@testable import API

@Suite struct CompletionWindowTests {
    @Test(arguments: [("24h", 86_400), ("1h", 3_600), ("30m", 1_800), ("7d", 604_800), ("30d", 2_592_000)])
    func init_acceptsMinutesHoursDays(_ text: String, _ seconds: Int) {
        #expect(CompletionWindow(text)?.seconds == seconds)
    }

    @Test(arguments: [
        "", "h", "0h", "24", "24H", "1w", "-1h", "+1h", "01h", "31d", "1.5h", " 1h", "99999999999999999999d",
    ])
    func init_rejectsAnythingElse(_ text: String) {
        #expect(CompletionWindow(text) == nil)
    }
}
