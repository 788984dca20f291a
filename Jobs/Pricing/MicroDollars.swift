/// Money in Sluice is an integer count of micro-dollars (US$ 0.000001) in an `Int64`: exact to add, compare and
/// store, with room for 9.2 trillion dollars. This enum converts it to and from decimal text without ever
/// going through floating point.
package enum MicroDollars {
    /// Micro-dollars in one US dollar.
    package static let perDollar: Int64 = 1_000_000

    /// Parses a non-negative decimal amount of US dollars (`"0.15"`, `"2"`, `"0.000125"`, `"1_000"` is refused)
    /// into micro-dollars, exactly.
    ///
    /// Accepted: digits, optionally a `.` and up to six more digits (trailing zeros beyond the sixth are allowed,
    /// they change nothing). Refused (nil): signs, exponents, spaces, a seventh significant decimal (it cannot be
    /// held exactly, and silently rounding a price is what this type exists to avoid), and amounts over
    /// `Int64.max` micro-dollars.
    package static func parse(dollars text: some StringProtocol) -> Int64? {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { return nil }
        let dot = utf8.firstIndex(of: UInt8(ascii: "."))
        let whole = utf8[..<(dot ?? utf8.endIndex)]
        var fraction = dot.map { Array(utf8[utf8.index(after: $0)...]) } ?? []
        guard !whole.isEmpty || !fraction.isEmpty else { return nil }
        guard whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit) else { return nil }
        while fraction.count > 6, fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        guard fraction.count <= 6 else { return nil }
        fraction += Array(repeating: UInt8(ascii: "0"), count: 6 - fraction.count)
        var value: Int64 = 0
        for digit in whole + fraction {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = shifted.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = added
        }
        return value
    }

    /// Formats micro-dollars as a decimal amount of US dollars with exactly six decimals: `19` → `"0.000019"`,
    /// `-1_500_000` → `"-1.500000"`.
    package static func format(_ micros: Int64) -> String {
        let negative = micros < 0
        // Work on the magnitude as UInt64 so Int64.min formats too.
        let magnitude = micros.magnitude
        let whole = magnitude / UInt64(perDollar)
        let fraction = String(magnitude % UInt64(perDollar))
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        return (negative ? "-" : "") + "\(whole).\(padded)"
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
