/// A batch's completion window as written on the wire: a positive count and a unit, `m`, `h` or `d`
/// (`30m`, `1h`, `24h`, `7d`), from one minute to 30 days.
package struct CompletionWindow: Sendable, Equatable {
    /// Longest window accepted: 30 days.
    package static let maxSeconds = 30 * 86_400

    /// The window as the client wrote it (echoed back in the batch object).
    package var text: String
    package var seconds: Int

    package init?(_ text: String) {
        guard let unit = text.last, text.count >= 2, text.count <= 8 else { return nil }
        let digits = text.dropLast()
        guard digits.first != "0", digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(digits), count > 0
        else {
            return nil
        }
        let multiplier: Int
        switch unit {
        case "m": multiplier = 60
        case "h": multiplier = 3_600
        case "d": multiplier = 86_400
        default: return nil
        }
        guard count <= Self.maxSeconds / multiplier else { return nil }
        self.text = text
        self.seconds = count * multiplier
    }
}
