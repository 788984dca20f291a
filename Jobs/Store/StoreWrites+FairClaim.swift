/// The fair claim: a provider's runnable jobs shared out across tenants, in one write transaction.
///
/// 1. The tenants with queued work for the provider are listed in rotation order, starting just after the tenant
///    the previous claim served last (`ClaimRotation`), one index seek each on `jobs_claim_fair`; at most `limit`
///    of them, since no claim can serve more.
/// 2. Rounds: each tenant still in play is asked for an equal share of what is left (at least one job), its best
///    runnable jobs by priority then id, continuing after what it already gave. A tenant that gives less than
///    asked has no more and drops out; the round repeats until `limit` jobs are taken or no tenant is left.
/// 3. The picked jobs are claimed in one `UPDATE … RETURNING` (their ids bound as a JSON array), and returned interleaved
///    across tenants (first job of each tenant, then second…), each tenant's in priority-then-FIFO order.
///
/// So one tenant's 50,000-line batch takes what the others leave, but never more than an equal share while they
/// have work; a tenant with a single job gets it claimed in the first claim that reaches it in the rotation.
/// Priority orders work within a tenant, never across tenants.
extension StoreWrites {
    struct FairClaim {
        var jobs: [ClaimedJob]
        /// The tenant served last, where the next claim's rotation continues.
        var lastServed: String?
    }

    func claimFairly(
        provider: String,
        limit: Int,
        leaseMilliseconds: Int64,
        now: Int64,
        after lastTenant: String?
    )
        throws -> FairClaim
    {
        guard limit > 0 else { return FairClaim(jobs: [], lastServed: nil) }
        let tenants = try tenantsInRotation(provider: provider, after: lastTenant, max: limit)
        guard !tenants.isEmpty else { return FairClaim(jobs: [], lastServed: nil) }

        // Each tenant's picks, in its own order, and where its next fetch continues.
        var picks: [[Int64]] = Array(repeating: [], count: tenants.count)
        var cursors: [(priority: Int64, id: Int64)] = Array(repeating: (Int64.max, 0), count: tenants.count)
        var active = Array(tenants.indices)
        var remaining = limit
        var lastServed: Int?
        while remaining > 0, !active.isEmpty {
            let share = max(1, remaining / active.count)
            var stillActive: [Int] = []
            for index in active {
                guard remaining > 0 else { break }
                let ask = min(share, remaining)
                let rows = try runnableJobs(
                    provider: provider,
                    tenant: tenants[index],
                    after: cursors[index],
                    limit: ask,
                    now: now
                )
                if let last = rows.last {
                    cursors[index] = last
                    picks[index].append(contentsOf: rows.map(\.id))
                    remaining -= rows.count
                    lastServed = index
                }
                if rows.count == ask { stillActive.append(index) }
            }
            active = stillActive
        }

        // Interleave: the first pick of every tenant, then the second…
        var order: [Int64] = []
        order.reserveCapacity(limit - remaining)
        let deepest = picks.map(\.count).max() ?? 0
        for position in 0..<deepest {
            for tenantPicks in picks where position < tenantPicks.count { order.append(tenantPicks[position]) }
        }
        var claimed: [ClaimedJob] = []
        claimed.reserveCapacity(order.count)
        try db.withStatement(Self.claimSQL) { statement in
            try statement.bind(now + leaseMilliseconds, at: 1)
            try statement.bind(now, at: 2)
            try statement.bind("[" + order.map(String.init).joined(separator: ",") + "]", at: 3)
            while try statement.step() { claimed.append(StoredRows.claimed(statement)) }
        }
        // RETURNING does not promise an order.
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        claimed.sort { position[$0.id.rawValue, default: 0] < position[$1.id.rawValue, default: 0] }
        return FairClaim(jobs: claimed, lastServed: lastServed.map { tenants[$0] })
    }

    /// Up to `max` tenants with queued jobs of the provider, starting after `lastTenant` and wrapping around.
    private func tenantsInRotation(provider: String, after lastTenant: String?, max: Int) throws -> [String] {
        var tenants: [String] = []
        if let lastTenant {
            var current = lastTenant
            while tenants.count < max, let next = try nextQueuedTenant(provider: provider, after: current) {
                tenants.append(next)
                current = next
            }
        }
        // Wrap around: from the first tenant up to the one served last.
        var current: String?
        while tenants.count < max, let next = try nextQueuedTenant(provider: provider, after: current) {
            if let lastTenant, next > lastTenant { break }
            tenants.append(next)
            current = next
        }
        return tenants
    }

    /// The smallest tenant id after `tenant` (or the smallest of all) with a queued job of the provider.
    private func nextQueuedTenant(provider: String, after tenant: String?) throws -> String? {
        let sql = tenant == nil ? Self.firstQueuedTenantSQL : Self.nextQueuedTenantSQL
        return try db.withStatement(sql) { statement in
            try statement.bind(provider, at: 1)
            if let tenant { try statement.bind(tenant, at: 2) }
            return try statement.step() ? statement.string(at: 0) : nil
        }
    }

    /// The tenant's best runnable jobs after `cursor` in (priority DESC, id) order.
    private func runnableJobs(
        provider: String,
        tenant: String,
        after cursor: (priority: Int64, id: Int64),
        limit: Int,
        now: Int64
    ) throws -> [(priority: Int64, id: Int64)] {
        try db.withStatement(Self.runnableJobsSQL) { statement in
            try statement.bind(provider, at: 1)
            try statement.bind(tenant, at: 2)
            try statement.bind(now, at: 3)
            try statement.bind(cursor.priority, at: 4)
            try statement.bind(cursor.id, at: 5)
            try statement.bind(limit, at: 6)
            var rows: [(priority: Int64, id: Int64)] = []
            while try statement.step() { rows.append((statement.int64(at: 0), statement.int64(at: 1))) }
            return rows
        }
    }

    // MARK: SQL

    // Both tenant lookups are one seek on `jobs_claim_fair` (its WHERE matches `state = 'queued'`).
    private static let firstQueuedTenantSQL = """
        SELECT tenant FROM jobs WHERE state = 'queued' AND provider = ?1 ORDER BY tenant LIMIT 1
        """

    private static let nextQueuedTenantSQL = """
        SELECT tenant FROM jobs WHERE state = 'queued' AND provider = ?1 AND tenant > ?2 ORDER BY tenant LIMIT 1
        """

    private static let runnableJobsSQL = """
        SELECT priority, id FROM jobs
        WHERE state = 'queued' AND provider = ?1 AND tenant = ?2
            AND run_at <= ?3 AND (deadline IS NULL OR deadline > ?3)
            AND (priority < ?4 OR (priority = ?4 AND id > ?5))
        ORDER BY priority DESC, id
        LIMIT ?6
        """

    // `random()` is evaluated per row: each claimed job gets its own 64-bit lease token.
    // https://www.sqlite.org/lang_corefunc.html#random
    // The ids arrive as one JSON array: "The json_each(X) … table-valued function walks the JSON value provided as
    // its first argument and returns one row for each element" — https://www.sqlite.org/json1.html#jeach
    private static let claimSQL = """
        UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_token = random(), lease_expires_at = ?1,
            started_at = coalesce(started_at, ?2), updated_at = ?2
        WHERE id IN (SELECT value FROM json_each(?3)) AND state = 'queued'
        RETURNING \(StoredRows.claimedColumns)
        """
}
