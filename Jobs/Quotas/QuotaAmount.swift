/// An amount counted by quotas: requests, tokens and micro-dollars together (a usage, a reservation or an
/// estimate).
package struct QuotaAmount: Sendable, Hashable {
    package var requests: Int64
    package var tokens: Int64
    /// Micro-dollars (US$ 0.000001).
    package var micros: Int64

    package init(requests: Int64 = 0, tokens: Int64 = 0, micros: Int64 = 0) {
        self.requests = requests
        self.tokens = tokens
        self.micros = micros
    }

    package static let zero = QuotaAmount()

    package subscript(metric: QuotaMetric) -> Int64 {
        switch metric {
        case .requests: requests
        case .tokens: tokens
        case .usd: micros
        }
    }

    package static func + (lhs: QuotaAmount, rhs: QuotaAmount) -> QuotaAmount {
        QuotaAmount(
            requests: lhs.requests &+ rhs.requests,
            tokens: lhs.tokens &+ rhs.tokens,
            micros: lhs.micros &+ rhs.micros
        )
    }

    package static func - (lhs: QuotaAmount, rhs: QuotaAmount) -> QuotaAmount {
        QuotaAmount(
            requests: lhs.requests &- rhs.requests,
            tokens: lhs.tokens &- rhs.tokens,
            micros: lhs.micros &- rhs.micros
        )
    }

    package static func += (lhs: inout QuotaAmount, rhs: QuotaAmount) { lhs = lhs + rhs }
    package static func -= (lhs: inout QuotaAmount, rhs: QuotaAmount) { lhs = lhs - rhs }
}
