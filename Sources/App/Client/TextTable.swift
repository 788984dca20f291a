/// A plain-text table for the terminal: a header, a rule, then the rows, each column padded to its widest cell
/// (numbers right-aligned). Pure: `render()` returns the text, one line per row, each ending in a newline.
///
/// ```swift
/// var table = TextTable(columns: [.init("MODEL"), .init("REQUESTS", alignment: .right)])
/// table.append(["mock-chat", "1,024"])
/// print(table.render(), terminator: "")
/// // MODEL      REQUESTS
/// // ---------  --------
/// // mock-chat     1,024
/// ```
package struct TextTable: Sendable, Equatable {
    package enum Alignment: Sendable, Equatable {
        case left
        case right
    }

    package struct Column: Sendable, Equatable {
        package var title: String
        package var alignment: Alignment

        package init(_ title: String, alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    /// Spaces between two columns.
    package static let gap = "  "

    package var columns: [Column]
    package private(set) var rows: [[String]] = []
    /// Rows drawn after a second rule (a total).
    package private(set) var footer: [[String]] = []

    package init(columns: [Column]) {
        precondition(!columns.isEmpty, "a table has at least one column")
        self.columns = columns
    }

    /// Appends a row; missing cells are empty, extra cells are dropped.
    package mutating func append(_ cells: [String]) {
        rows.append(Self.fit(cells, count: columns.count))
    }

    /// Appends a footer row (drawn below a rule, after every row).
    package mutating func appendFooter(_ cells: [String]) {
        footer.append(Self.fit(cells, count: columns.count))
    }

    package func render() -> String {
        var widths = columns.map { $0.title.count }
        for row in rows + footer {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var text = line(columns.map(\.title), widths: widths)
        let rule = line(widths.map { String(repeating: "-", count: $0) }, widths: widths)
        text += rule
        for row in rows { text += line(row, widths: widths) }
        if !footer.isEmpty {
            text += rule
            for row in footer { text += line(row, widths: widths) }
        }
        return text
    }

    private func line(_ cells: [String], widths: [Int]) -> String {
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let padding = String(repeating: " ", count: widths[index] - cell.count)
            parts.append(columns[index].alignment == .right ? padding + cell : cell + padding)
        }
        var joined = parts.joined(separator: Self.gap)
        while joined.last == " " { joined.removeLast() }
        return joined + "\n"
    }

    private static func fit(_ cells: [String], count: Int) -> [String] {
        Array(cells.prefix(count)) + Array(repeating: "", count: max(0, count - cells.count))
    }

    /// `1234567` → `1,234,567`.
    package static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }
}
