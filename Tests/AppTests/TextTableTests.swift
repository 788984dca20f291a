import Testing

@testable import App

@Suite struct TextTableTests {
    @Test func render_padsColumns_rightAlignsNumbers_andDrawsFooterBelowARule() {
        var table = TextTable(columns: [.init("MODEL"), .init("REQUESTS", alignment: .right)])
        table.append(["mock-chat", "1,024"])
        table.append(["gpt-4o-mini", "7"])
        table.appendFooter(["TOTAL", "1,031"])
        #expect(
            table.render() == """
                MODEL        REQUESTS
                -----------  --------
                mock-chat       1,024
                gpt-4o-mini         7
                -----------  --------
                TOTAL           1,031

                """
        )
    }

    @Test func append_whenCellsMissingOrExtra_fitsTheColumns() {
        var table = TextTable(columns: [.init("A"), .init("B")])
        table.append(["only"])
        table.append(["1", "2", "dropped"])
        #expect(table.rows == [["only", ""], ["1", "2"]])
        #expect(!table.render().contains("dropped"))
    }

    @Test func render_withNoRows_isHeaderAndRule() {
        let table = TextTable(columns: [.init("ID"), .init("STATUS")])
        #expect(table.render() == "ID  STATUS\n--  ------\n")
    }

    @Test(arguments: [(0, "0"), (999, "999"), (1000, "1,000"), (1_234_567, "1,234,567"), (-45_000, "-45,000")])
    func grouped_insertsThousandsSeparators(value: Int, text: String) {
        #expect(TextTable.grouped(value) == text)
    }
}
