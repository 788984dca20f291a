/// Whole-store reads behind `JobStore+Run`.
extension StoreReads {
    func runCounts() throws -> RunCounts {
        let sql = """
            SELECT count(*), coalesce(sum(state = 'succeeded'), 0),
                coalesce(sum(state IN ('failed','cancelled','expired')), 0), coalesce(sum(max(attempt - 1, 0)), 0)
            FROM jobs
            """
        return try db.withStatement(sql) { statement in
            _ = try statement.step()
            return RunCounts(
                total: statement.int(at: 0),
                succeeded: statement.int(at: 1),
                unsuccessful: statement.int(at: 2),
                retries: statement.int(at: 3)
            )
        }
    }

    func finalJobIDs(byCompletion: Bool) throws -> [JobID] {
        let sql = """
            SELECT id FROM jobs WHERE state IN (\(Schema.finalJobStates))
            ORDER BY \(byCompletion ? "finished_at, id" : "id")
            """
        return try db.withStatement(sql) { statement in
            var ids: [JobID] = []
            while try statement.step() { ids.append(JobID(statement.int64(at: 0))) }
            return ids
        }
    }

    /// One statement for the whole list: the ids go in as one JSON array, unpacked by `json_each`
    /// (https://www.sqlite.org/json1.html#jeach).
    func jobs(ids: [JobID]) throws -> [Job] {
        guard !ids.isEmpty else { return [] }
        let list = "[" + ids.map { String($0.rawValue) }.joined(separator: ",") + "]"
        let sql = "SELECT \(StoredRows.jobColumns) FROM jobs WHERE id IN (SELECT value FROM json_each(?1))"
        let found = try db.withStatement(sql) { statement in
            try statement.bind(list, at: 1)
            var jobs: [JobID: Job] = [:]
            while try statement.step() {
                let job = try StoredRows.job(statement)
                jobs[job.id] = job
            }
            return jobs
        }
        return ids.compactMap { found[$0] }
    }
}
