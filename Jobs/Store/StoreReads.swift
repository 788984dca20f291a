import struct Foundation.Data

/// The reads, on a reader connection (or on the writer, inside a write). Tenant-scoped: another tenant's id
/// reads as nil.
struct StoreReads {
    let db: SQLiteConnection

    func tenantExists(_ id: String) throws -> Bool {
        try db.withStatement("SELECT 1 FROM tenants WHERE id = ?1") { statement in
            try statement.bind(id, at: 1)
            return try statement.step()
        }
    }

    func tenant(forKeyHash keyHash: Data) throws -> String? {
        try db.withStatement("SELECT tenant FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL") { statement in
            try statement.bind(keyHash, at: 1)
            return try statement.step() ? statement.string(at: 0) : nil
        }
    }

    // MARK: Jobs

    func job(_ id: JobID, tenant: String) throws -> Job? {
        try db.withStatement("SELECT \(StoredRows.jobColumns) FROM jobs WHERE id = ?1 AND tenant = ?2") { statement in
            try statement.bind(id.rawValue, at: 1)
            try statement.bind(tenant, at: 2)
            return try statement.step() ? StoredRows.job(statement) : nil
        }
    }

    func job(tenant: String, idempotencyKey: String) throws -> Job? {
        let sql = "SELECT \(StoredRows.jobColumns) FROM jobs WHERE tenant = ?1 AND idempotency_key = ?2"
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(idempotencyKey, at: 2)
            return try statement.step() ? StoredRows.job(statement) : nil
        }
    }

    /// Newest first. One SQL text per combination of filters, so each is planned on its own index.
    func jobs(tenant: String, state: JobState?, batch: BatchID?, after: JobID?, limit: Int) throws -> [Job] {
        var conditions = ["tenant = ?1"]
        if state != nil { conditions.append("state = ?2") }
        if batch != nil { conditions.append("batch_id = ?3") }
        if after != nil { conditions.append("id < ?4") }
        let sql = """
            SELECT \(StoredRows.jobColumns) FROM jobs WHERE \(conditions.joined(separator: " AND "))
            ORDER BY id DESC LIMIT ?5
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(state?.rawValue, at: 2)
            try statement.bind(batch?.rawValue, at: 3)
            try statement.bind(after?.rawValue, at: 4)
            try statement.bind(max(0, limit), at: 5)
            var jobs: [Job] = []
            while try statement.step() { jobs.append(try StoredRows.job(statement)) }
            return jobs
        }
    }

    /// The batch's final jobs in id order after `after`.
    func finalJobs(ofBatch id: BatchID, after: JobID?, limit: Int) throws -> [Job] {
        let sql = """
            SELECT \(StoredRows.jobColumns) FROM jobs
            WHERE batch_id IS NOT NULL AND batch_id = ?1 AND id > ?2 AND state IN (\(Schema.finalJobStates))
            ORDER BY id LIMIT ?3
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(id.rawValue, at: 1)
            try statement.bind(after?.rawValue ?? 0, at: 2)
            try statement.bind(max(0, limit), at: 3)
            var jobs: [Job] = []
            while try statement.step() { jobs.append(try StoredRows.job(statement)) }
            return jobs
        }
    }

    // MARK: Batches

    func batch(_ id: BatchID, tenant: String) throws -> Batch? {
        let sql = "SELECT \(StoredRows.batchColumns) FROM batches WHERE id = ?1 AND tenant = ?2"
        return try db.withStatement(sql) { statement in
            try statement.bind(id.rawValue, at: 1)
            try statement.bind(tenant, at: 2)
            return try statement.step() ? StoredRows.batch(statement) : nil
        }
    }

    func batch(tenant: String, idempotencyKey: String) throws -> Batch? {
        let sql = "SELECT \(StoredRows.batchColumns) FROM batches WHERE tenant = ?1 AND idempotency_key = ?2"
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(idempotencyKey, at: 2)
            return try statement.step() ? StoredRows.batch(statement) : nil
        }
    }

    /// Newest first.
    func batches(tenant: String, after: BatchID?, limit: Int) throws -> [Batch] {
        let sql = """
            SELECT \(StoredRows.batchColumns) FROM batches WHERE tenant = ?1\(after == nil ? "" : " AND id < ?2")
            ORDER BY id DESC LIMIT ?3
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(after?.rawValue, at: 2)
            try statement.bind(max(0, limit), at: 3)
            var batches: [Batch] = []
            while try statement.step() { batches.append(try StoredRows.batch(statement)) }
            return batches
        }
    }
}
