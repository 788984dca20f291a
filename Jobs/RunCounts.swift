/// How far the jobs of a whole store have come, in one read: what a single-run store (`sluice run`'s state
/// directory) shows as progress.
package struct RunCounts: Sendable, Equatable {
    /// Every job in the store.
    package var total: Int
    /// Jobs that ended `succeeded`.
    package var succeeded: Int
    /// Jobs that ended `failed`, `cancelled` or `expired`.
    package var unsuccessful: Int
    /// Upstream attempts beyond each job's first (`attempt - 1` summed over jobs that ran).
    package var retries: Int

    package init(total: Int, succeeded: Int, unsuccessful: Int, retries: Int) {
        self.total = total
        self.succeeded = succeeded
        self.unsuccessful = unsuccessful
        self.retries = retries
    }

    /// Jobs that are final.
    package var final: Int { succeeded + unsuccessful }
}
