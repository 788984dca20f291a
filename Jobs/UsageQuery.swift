package import struct Foundation.Date

/// A question to the cost ledger: which rows (tenant, time range) and how to group them.
///
/// ```swift
/// // Dollars a tenant spent this month (what a quota checks):
/// let total = try await store.usage(UsageQuery(tenant: "acme", start: monthStart))[0].cost
/// // Spend per model and day, every tenant (admin):
/// let rows = try await store.usage(UsageQuery(groupBy: [.model, .day]))
/// ```
package struct UsageQuery: Sendable, Equatable {
    /// A key to group ledger rows by.
    package enum Grouping: String, Sendable, Equatable, CaseIterable {
        case tenant
        case provider
        case model
        /// The UTC calendar day of the row, `YYYY-MM-DD`.
        case day
        /// The batch id (nil for jobs outside a batch).
        case batch
    }

    /// Only this tenant's rows; nil means every tenant.
    package var tenant: String?
    /// Rows created at or after this time.
    package var start: Date?
    /// Rows created before this time (exclusive).
    package var end: Date?
    /// Grouping keys, in the order of the result's sort; empty gives one total row.
    package var groupBy: [Grouping]

    package init(tenant: String? = nil, start: Date? = nil, end: Date? = nil, groupBy: [Grouping] = []) {
        self.tenant = tenant
        self.start = start
        self.end = end
        self.groupBy = groupBy
    }
}
