/// The stored state of a job. Closed and persisted: the schema checks it with `CHECK (state IN (…))`.
///
/// ```
///            enqueue                claim (attempt += 1, new lease)
///   (new) ───────────▶ queued ─────────────────────────────▶ running
///                       ▲  │                                  │ │ │
///     retry at run_at,  │  │ cancel (at once)                 │ │ │ complete (lease matches)
///     hand-back, rescue └──┼──────────────────────────────────┘ │ └──────────▶ succeeded
///                          ▼                                    │ fail (permanent, attempts used up,
///                      cancelled ◀── cancel seen by the worker ─┤   or lease expired on the last attempt)
///                                                               │ ────────────▶ failed
///   queued ── deadline passed (maintenance) ──▶ expired ◀───────┘ deadline flag seen by the worker
/// ```
///
/// Who moves jobs in and out of each state:
/// - `queued`: entered by the API (submit), by a worker (retry with backoff at `run_at`, or a hand-back on
///   shutdown without burning an attempt) and by maintenance (rescue of an expired lease, which keeps the attempt
///   used; start-up rescue of every lease of the previous run, which gives it back). Left by a lane's claim
///   (only once `run_at <= now` and before the deadline), by cancel (→ `cancelled`), or by maintenance when the
///   deadline passes (→ `expired`, error `batch_expired`).
/// - `running`: entered only by a lane's claim, which sets a fresh lease token. Left only through a call that
///   presents that token (complete, fail, retry, hand-back, cancel acknowledgement), or by maintenance's rescue
///   once the lease has expired (and at start-up, for every lease of the previous run). A cancel request (from
///   the tenant, or from maintenance when the deadline passes) only flags the job (`cancel_requested`); the
///   worker sees it on `cancellationRequests()` or in its heartbeat and acknowledges: the job ends `cancelled`
///   (tenant) or `expired` (deadline). A retry or rescue of a flagged job ends it the same way instead of
///   queueing it; a completion still wins (`succeeded`). A counted retry with no attempt left, or a rescue of an
///   expired lease on the last attempt (error `lease_expired`), ends `failed`.
/// - `succeeded`, `failed`, `cancelled`, `expired`: final. Nothing moves a job out of them (pruning deletes rows).
///   Each move into one of them updates the batch counters in the same transaction.
package enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    case queued
    case running
    case succeeded
    case failed
    case cancelled
    case expired

    /// Whether nothing will move the job out of this state any more.
    package var isFinal: Bool {
        switch self {
        case .queued, .running: false
        case .succeeded, .failed, .cancelled, .expired: true
        }
    }
}
