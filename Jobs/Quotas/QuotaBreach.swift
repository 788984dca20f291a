package import struct Foundation.Date

/// A quota that does not leave room: which one, the figures, and when its window resets. Its `message` is what
/// the over-quota answers say (never a prompt or a key: only names, counts and amounts).
package struct QuotaBreach: Sendable, Equatable {
    package var key: QuotaKey
    package var limit: Int64
    /// Recorded in the current window (settled calls).
    package var used: Int64
    /// Reserved by calls in flight.
    package var reserved: Int64
    /// What the call asking to be admitted would reserve (0 at submit time).
    package var requested: Int64
    /// When the window ends and the quota comes back in full.
    package var resetsAt: Date

    package init(key: QuotaKey, limit: Int64, used: Int64, reserved: Int64, requested: Int64, resetsAt: Date) {
        self.key = key
        self.limit = limit
        self.used = used
        self.reserved = reserved
        self.requested = requested
        self.resetsAt = resetsAt
    }

    /// `Tenant quota usd_per_day exceeded: $1.480000 of $1.500000 used, $0.000060 in flight, this call needs
    /// $0.000030; it resets at 2025-06-02T00:00:00Z.`
    package var message: String {
        var text =
            "Tenant quota \(key.name) exceeded: \(Self.amount(used, key.metric)) of \(Self.amount(limit, key.metric))"
        text += " used"
        if reserved > 0 { text += ", \(Self.amount(reserved, key.metric)) in flight" }
        if requested > 0 {
            text += ", this call needs \(Self.amount(requested, key.metric))"
        } else if used < limit {
            text += "; too little is left for a call like the last one"
        }
        text += "; it resets at \(Self.timestamp(resetsAt))."
        return text
    }

    /// An amount as people read it: `$1.500000`, `1200 tokens`, `60 requests`.
    package static func amount(_ value: Int64, _ metric: QuotaMetric) -> String {
        switch metric {
        case .usd: "$" + MicroDollars.format(value)
        case .tokens: "\(value) tokens"
        case .requests: "\(value) requests"
        }
    }

    /// RFC 3339 in UTC, whole seconds: `2025-06-02T00:00:00Z`.
    package static func timestamp(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (year, month, day) = QuotaWindow.civil(fromDays: days)
        let second = seconds - days * 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
    }
}

/// One quota of a tenant as it stands: its limit (nil: none), what the window recorded, what is in flight, and the
/// window's bounds. What `GET /v1/admin/tenants/{id}/quotas` shows.
package struct QuotaStatus: Sendable, Equatable {
    package var key: QuotaKey
    package var limit: Int64?
    package var used: Int64
    package var reserved: Int64
    package var windowStart: Date
    package var resetsAt: Date

    /// What is left of the limit after the recorded and in-flight amounts (never below 0); nil without a limit.
    package var remaining: Int64? { limit.map { max(0, $0 - used - reserved) } }
}
