package import struct Foundation.Date

/// The quota arithmetic, pure: per tenant, what each window recorded and what calls in flight reserved, and the
/// decisions made from them. `QuotaAccountant` runs it under a lock in front of the store.
///
/// The rules:
/// - **Admit** a call when, for every limit, `used in the window + reserved in flight + the call's estimate ≤
///   limit`; then reserve the estimate under the call's ticket. Otherwise name the breached quota whose window
///   resets last (waiting for an earlier reset would not help) and reserve nothing.
/// - **Settle** a ticket: release its reservation and add what the call was really charged to every window.
///   So `used + reserved` never passes a limit through admissions; it is passed only when a call costs more than
///   its estimate, by that difference.
/// - **Windows** roll forward when time reaches their end: the new window starts from zero (everything the tenant
///   spends goes through this process — one server owns a data directory — so nothing is missed). Reservations are
///   not per window: a call in flight counts against every window until it settles.
/// - **At submit**, a quota is over when what its window has left (`limit − used`) is less than the tenant's last
///   call asked to reserve, or nothing is left: the next call like it could not run before the reset. Calls in
///   flight do not count: they may yet cost less than reserved.
///
/// ```swift
/// var accounting = QuotaAccounting()
/// accounting.load("acme", quotas: quotas, usage: [.day: spentToday], at: now)
/// if let breach = accounting.admit("acme", ticket: lease, amount: estimate, now: now) { /* defer */ }
/// accounting.settle(lease, charged: actual, now: Date())
/// ```
package struct QuotaAccounting: Sendable {
    struct Window: Sendable {
        var start: Date
        var end: Date
        var used: QuotaAmount
    }

    struct TenantState: Sendable {
        var windows: [QuotaWindow: Window]
        var reserved: QuotaAmount
        /// What the tenant's last call asked to reserve (admitted or not).
        var lastRequest: QuotaAmount
    }

    struct Reservation: Sendable {
        var tenant: String
        var amount: QuotaAmount
    }

    private var quotas: [String: TenantQuotas] = [:]
    private var tenants: [String: TenantState] = [:]
    private var reservations: [JobLease: Reservation] = [:]

    package init() {}

    /// Whether the tenant's limits and window usage are known (else `QuotaAccountant` loads them first).
    package func isLoaded(_ tenant: String) -> Bool {
        tenants[tenant] != nil && quotas[tenant] != nil
    }

    /// The tenant's limits as last loaded or set.
    package func quotas(_ tenant: String) -> TenantQuotas? { quotas[tenant] }

    /// Installs what the store says: the limits (unless a newer revision is already here) and the usage recorded
    /// in each window containing `at` (unless usage is already tracked: what this process counted since is newer).
    package mutating func load(
        _ tenant: String,
        quotas loaded: TenantQuotas,
        usage: [QuotaWindow: QuotaAmount],
        at: Date
    ) {
        setQuotas(tenant, loaded)
        guard tenants[tenant] == nil else { return }
        var windows: [QuotaWindow: Window] = [:]
        for window in QuotaWindow.allCases {
            let (start, end) = window.interval(containing: at)
            windows[window] = Window(start: start, end: end, used: usage[window] ?? .zero)
        }
        tenants[tenant] = TenantState(windows: windows, reserved: .zero, lastRequest: .zero)
    }

    /// Replaces the tenant's limits unless the ones held are a newer revision.
    package mutating func setQuotas(_ tenant: String, _ new: TenantQuotas) {
        if let current = quotas[tenant], current.revision > new.revision { return }
        quotas[tenant] = new
    }

    /// Admits and reserves `amount` under `ticket`, or returns the quota that leaves no room (reserving nothing).
    /// A tenant not loaded counts from zero usage and no limits.
    package mutating func admit(_ tenant: String, ticket: JobLease, amount: QuotaAmount, now: Date) -> QuotaBreach? {
        if reservations[ticket] != nil { settle(ticket, charged: .zero, now: now) }
        var state = rolled(tenant, now: now)
        state.lastRequest = amount
        let limits = quotas[tenant]?.limits ?? [:]
        var breaches: [QuotaBreach] = []
        for (key, limit) in limits {
            guard let window = state.windows[key.window] else { continue }
            let used = window.used[key.metric]
            let reserved = state.reserved[key.metric]
            let requested = amount[key.metric]
            if used + reserved + requested > limit {
                breaches.append(
                    QuotaBreach(
                        key: key,
                        limit: limit,
                        used: used,
                        reserved: reserved,
                        requested: requested,
                        resetsAt: window.end
                    )
                )
            }
        }
        if breaches.isEmpty {
            state.reserved += amount
            reservations[ticket] = Reservation(tenant: tenant, amount: amount)
            tenants[tenant] = state
            return nil
        }
        tenants[tenant] = state
        return Self.latest(breaches)
    }

    /// Releases the ticket's reservation and records `charged` (what the call really counted: 0 when it was not
    /// billed) in the windows containing `now`. Unknown tickets are ignored.
    package mutating func settle(_ ticket: JobLease, charged: QuotaAmount, now: Date) {
        guard let reservation = reservations.removeValue(forKey: ticket) else { return }
        var state = rolled(reservation.tenant, now: now)
        state.reserved -= reservation.amount
        for window in QuotaWindow.allCases { state.windows[window]?.used += charged }
        tenants[reservation.tenant] = state
    }

    /// The quota that makes a submit over quota now (see the type's rules), the one resetting last; nil when none.
    package mutating func submitBreach(_ tenant: String, now: Date) -> QuotaBreach? {
        let state = rolled(tenant, now: now)
        tenants[tenant] = state
        var breaches: [QuotaBreach] = []
        for (key, limit) in quotas[tenant]?.limits ?? [:] {
            guard let window = state.windows[key.window] else { continue }
            let used = window.used[key.metric]
            if used >= limit || limit - used < state.lastRequest[key.metric] {
                breaches.append(
                    QuotaBreach(
                        key: key,
                        limit: limit,
                        used: used,
                        reserved: state.reserved[key.metric],
                        requested: 0,
                        resetsAt: window.end
                    )
                )
            }
        }
        return Self.latest(breaches)
    }

    /// Every quota of the tenant (limited or not) as it stands at `now`, in `QuotaKey.all` order.
    package mutating func status(_ tenant: String, now: Date) -> [QuotaStatus] {
        let state = rolled(tenant, now: now)
        tenants[tenant] = state
        let limits = quotas[tenant]?.limits ?? [:]
        return QuotaKey.all.compactMap { key in
            guard let window = state.windows[key.window] else { return nil }
            return QuotaStatus(
                key: key,
                limit: limits[key],
                used: window.used[key.metric],
                reserved: state.reserved[key.metric],
                windowStart: window.start,
                resetsAt: window.end
            )
        }
    }

    /// What the tenant's calls in flight have reserved.
    package func reserved(_ tenant: String) -> QuotaAmount { tenants[tenant]?.reserved ?? .zero }

    /// How many calls hold a reservation, every tenant together.
    package var reservationCount: Int { reservations.count }

    /// The tenant's state with every window that ended by `now` replaced by the window containing `now`, empty.
    /// A clock stepped back keeps the current windows (counting more, never less).
    private func rolled(_ tenant: String, now: Date) -> TenantState {
        var state =
            tenants[tenant] ?? TenantState(windows: [:], reserved: .zero, lastRequest: .zero)
        for window in QuotaWindow.allCases {
            if let current = state.windows[window], now < current.end { continue }
            let (start, end) = window.interval(containing: now)
            state.windows[window] = Window(start: start, end: end, used: .zero)
        }
        return state
    }

    private static func latest(_ breaches: [QuotaBreach]) -> QuotaBreach? {
        breaches.max { ($0.resetsAt, $1.key) < ($1.resetsAt, $0.key) }
    }
}
