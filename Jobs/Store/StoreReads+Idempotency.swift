import struct Foundation.Data

extension StoreReads {
    /// The request hash stored with the tenant's job created under this idempotency key.
    func jobRequestHash(tenant: String, idempotencyKey: String) throws -> Data? {
        let sql = "SELECT request_hash FROM jobs WHERE tenant = ?1 AND idempotency_key = ?2"
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(idempotencyKey, at: 2)
            return try statement.step() ? statement.optionalData(at: 0) : nil
        }
    }

    /// The request hash stored with the tenant's batch created under this idempotency key.
    func batchRequestHash(tenant: String, idempotencyKey: String) throws -> Data? {
        let sql = "SELECT request_hash FROM batches WHERE tenant = ?1 AND idempotency_key = ?2"
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(idempotencyKey, at: 2)
            return try statement.step() ? statement.optionalData(at: 0) : nil
        }
    }
}

extension StoreWrites {
    /// Refuses a repeat of an idempotency key whose request differs from the original's. A side with no hash
    /// (rows from before request hashes, or a caller that computes none) matches anything.
    static func checkRequestHash(stored: Data?, given: Data?) throws {
        guard let stored, let given, stored != given else { return }
        throw JobsError(
            .idempotencyKeyReused,
            message: "the idempotency key was already used with a different request"
        )
    }

    /// The tenant's batch created earlier with `idempotencyKey`, if any — after checking that `requestHash` matches
    /// its request (throws `idempotencyKeyReused` otherwise). Shared by every batch create.
    func existingBatch(tenant: String, idempotencyKey: String?, requestHash: Data?) throws -> Batch? {
        guard let idempotencyKey else { return nil }
        let reads = StoreReads(db: db)
        guard let existing = try reads.batch(tenant: tenant, idempotencyKey: idempotencyKey) else { return nil }
        try Self.checkRequestHash(
            stored: try reads.batchRequestHash(tenant: tenant, idempotencyKey: idempotencyKey),
            given: requestHash
        )
        return existing
    }
}
