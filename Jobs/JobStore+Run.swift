/// Whole-store reads for a store that holds one run (`sluice run`'s state directory): progress counts and the final
/// jobs in the order the output file lists them. Not tenant-scoped.
extension JobStore {
    /// The order final jobs are listed in.
    package enum FinalJobOrder: Sendable {
        /// Input order: job id (jobs are inserted in input order).
        case id
        /// The order they became final: `finished_at`, then id.
        case completion
    }

    /// Counts of every job in the store, by outcome, with the retries so far.
    package func runCounts() async throws -> RunCounts {
        try await readers.read { db in try StoreReads(db: db).runCounts() }
    }

    /// The ids of every final job, in `order`.
    package func finalJobIDs(order: FinalJobOrder) async throws -> [JobID] {
        try await readers.read { db in try StoreReads(db: db).finalJobIDs(byCompletion: order == .completion) }
    }

    /// The jobs with these ids, in the order given (ids that do not exist are left out). Read a few hundred at a time.
    package func jobs(ids: [JobID]) async throws -> [Job] {
        try await readers.read { db in try StoreReads(db: db).jobs(ids: ids) }
    }
}
