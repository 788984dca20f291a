package import Jobs
import Synchronization

/// How many times in a row each job of a lane was given back after a 429, kept in memory (a 429 gives the attempt
/// back, so attempts cannot bound it; see `RetryPolicy.maxRateLimitedRetries`).
///
/// A job's count is dropped by any other outcome of its attempt. A job that leaves the queue without another
/// attempt (cancelled or expired while queued) would keep its entry, so the table forgets everything once it holds
/// `limit` jobs: the bound is then restarted for the jobs that were counted, never made stricter.
package final class RateLimitedRetryCounts: Sendable {
    /// Default most jobs counted at once: 100,000.
    package static let defaultLimit = 100_000

    private let limit: Int
    private let counts = Mutex<[JobID: Int]>([:])

    package init(limit: Int = RateLimitedRetryCounts.defaultLimit) {
        precondition(limit > 0, "limit must be positive")
        self.limit = limit
    }

    /// How many times in a row the job was given back after a 429.
    package func count(of id: JobID) -> Int {
        counts.withLock { $0[id] ?? 0 }
    }

    /// The job was given back after a 429 once more.
    package func increment(_ id: JobID) {
        counts.withLock { counts in
            if counts[id] == nil && counts.count >= limit { counts.removeAll(keepingCapacity: true) }
            counts[id, default: 0] += 1
        }
    }

    /// The job's attempt ended otherwise.
    package func reset(_ id: JobID) {
        counts.withLock { _ = $0.removeValue(forKey: id) }
    }

    /// How many jobs are counted.
    package var jobCount: Int { counts.withLock { $0.count } }
}
