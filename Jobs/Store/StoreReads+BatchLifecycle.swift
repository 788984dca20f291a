extension StoreReads {
    /// The batch whatever its tenant: for the validator and the finalizer, which act on behalf of the system.
    func batch(_ id: BatchID) throws -> Batch? {
        try db.withStatement("SELECT \(StoredRows.batchColumns) FROM batches WHERE id = ?1") { statement in
            try statement.bind(id.rawValue, at: 1)
            return try statement.step() ? StoredRows.batch(statement) : nil
        }
    }

    /// The ids of every batch in `status`, oldest first (the start-up sweeps of `validating` and `finalizing`).
    func batchIDs(in status: BatchStatus) throws -> [BatchID] {
        try db.withStatement("SELECT id FROM batches WHERE status = ?1 ORDER BY id") { statement in
            try statement.bind(status.rawValue, at: 1)
            var ids: [BatchID] = []
            while try statement.step() { ids.append(BatchID(statement.int64(at: 0))) }
            return ids
        }
    }
}
