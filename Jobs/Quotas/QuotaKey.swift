/// What a quota counts.
package enum QuotaMetric: String, Sendable, Hashable, CaseIterable {
    /// Upstream calls the provider answered and billed (the cost ledger's rows, cache hits excluded).
    case requests
    /// Prompt plus completion tokens of those calls.
    case tokens
    /// Their known cost, in micro-dollars (an unknown price counts nothing; see `TenantQuotaAdmission`).
    case usd
}

/// One quota a tenant can have: a metric over a window, named like the API field (`usd_per_month`).
package struct QuotaKey: Sendable, Hashable, CustomStringConvertible, Comparable {
    package var metric: QuotaMetric
    package var window: QuotaWindow

    package init(_ metric: QuotaMetric, per window: QuotaWindow) {
        self.metric = metric
        self.window = window
    }

    /// Every quota, in the API's order: requests, tokens, then dollars; minute, day, month within each.
    package static let all: [QuotaKey] = QuotaMetric.allCases.flatMap { metric in
        QuotaWindow.allCases.map { QuotaKey(metric, per: $0) }
    }

    /// The API field name: `requests_per_minute`, `tokens_per_day`, `usd_per_month`, ...
    package var name: String { "\(metric.rawValue)_per_\(window.rawValue)" }

    /// The key named `name`, if it is one.
    package init?(name: String) {
        guard let key = Self.all.first(where: { $0.name == name }) else { return nil }
        self = key
    }

    /// The column of `tenant_quotas` holding this limit (dollars are stored as micro-dollars).
    var column: String { metric == .usd ? "usd_micros_per_\(window.rawValue)" : name }

    package var description: String { name }

    package static func < (lhs: QuotaKey, rhs: QuotaKey) -> Bool {
        (all.firstIndex(of: lhs) ?? 0) < (all.firstIndex(of: rhs) ?? 0)
    }
}
