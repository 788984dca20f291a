import struct Foundation.Date

extension Date {
    /// The date as whole milliseconds since 1970, the unit every time column is stored in.
    var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    init(unixMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(unixMilliseconds) / 1000)
    }
}

extension Duration {
    /// The duration in whole milliseconds (rounded down), for adding to stored times.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
