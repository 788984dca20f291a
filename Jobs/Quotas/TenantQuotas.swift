/// A tenant's quota limits: at most one limit per `QuotaKey` (requests, tokens and micro-dollars per minute, day
/// and month). A key without a limit is unlimited. Stored in `tenant_quotas`, set through the admin API.
///
/// ```swift
/// var quotas = TenantQuotas()
/// quotas[QuotaKey(.usd, per: .month)] = MicroDollars.parse(dollars: "12.50")
/// quotas = quotas.applying([QuotaKey(.requests, per: .minute): 600, QuotaKey(.usd, per: .month): nil])
/// ```
package struct TenantQuotas: Sendable, Equatable {
    /// The limits by key (requests, tokens, or micro-dollars).
    package var limits: [QuotaKey: Int64]
    /// Bumped by every stored update (0: never set), so an older update read late never replaces a newer one.
    package var revision: Int64

    package init(limits: [QuotaKey: Int64] = [:], revision: Int64 = 0) {
        precondition(limits.values.allSatisfy { $0 >= 0 }, "quota limits are never negative")
        self.limits = limits
        self.revision = revision
    }

    package subscript(key: QuotaKey) -> Int64? {
        get { limits[key] }
        set {
            precondition((newValue ?? 0) >= 0, "quota limits are never negative")
            limits[key] = newValue
        }
    }

    package var isEmpty: Bool { limits.isEmpty }

    /// These limits with `changes` applied: a value sets the limit, nil removes it; other keys stay as they are.
    package func applying(_ changes: [QuotaKey: Int64?]) -> TenantQuotas {
        var result = self
        for (key, value) in changes { result[key] = value }
        return result
    }
}
