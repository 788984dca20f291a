/// The operator's reads (see `JobStore+Operator`).
extension StoreReads {
    /// How many of the newest jobs `recentFailures` looks through.
    static let failureScanWindow: Int64 = 100_000

    func queueDepths() throws -> [QueueDepth] {
        var depths: [String: QueueDepth] = [:]
        // `state = 'queued'` and `state = 'running'` are the partial indexes' conditions, so each count walks one
        // index (jobs_claim_fair leads with the provider).
        try db.withStatement("SELECT provider, count(*) FROM jobs WHERE state = 'queued' GROUP BY provider") {
            statement in
            while try statement.step() {
                let provider = statement.string(at: 0)
                depths[provider, default: QueueDepth(provider: provider)].queued = statement.int(at: 1)
            }
        }
        try db.withStatement("SELECT provider, count(*) FROM jobs WHERE state = 'running' GROUP BY provider") {
            statement in
            while try statement.step() {
                let provider = statement.string(at: 0)
                depths[provider, default: QueueDepth(provider: provider)].running = statement.int(at: 1)
            }
        }
        return depths.values.sorted { $0.provider < $1.provider }
    }

    func recentFailures(limit: Int) throws -> [Job] {
        let sql = """
            SELECT \(StoredRows.jobColumns) FROM jobs
            WHERE state = 'failed' AND id > (SELECT coalesce(max(id), 0) FROM jobs) - ?1
            ORDER BY id DESC LIMIT ?2
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(Self.failureScanWindow, at: 1)
            try statement.bind(max(0, limit), at: 2)
            var jobs: [Job] = []
            while try statement.step() { jobs.append(try StoredRows.job(statement)) }
            return jobs
        }
    }

    func activeBatches(limit: Int) throws -> [Batch] {
        let sql = """
            SELECT \(StoredRows.batchColumns) FROM batches
            WHERE status IN ('validating','in_progress','finalizing','cancelling')
            ORDER BY id DESC LIMIT ?1
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(max(0, limit), at: 1)
            var batches: [Batch] = []
            while try statement.step() { batches.append(try StoredRows.batch(statement)) }
            return batches
        }
    }
}
