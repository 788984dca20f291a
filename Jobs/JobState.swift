/// The stored state of a job. Closed and persisted: the schema checks it with `CHECK (state IN (…))`.
///
/// ```
///            enqueue                claim (attempt += 1, new lease)
///   (new) ───────────▶ queued ─────────────────────────────▶ running
///                       ▲  │                                  │ │ │
///     retry at run_at,  │  │ cancel (at once)                 │ │ │ complete (lease matches)
///     hand-back, rescue └──┼──────────────────────────────────┘ │ └──────────▶ succeeded
///                          ▼                                    │ fail (permanent, or attempts used up)
///                      cancelled ◀── cancel seen by the worker ─┤ ────────────▶ failed
///                                                               │
///   queued/running ── deadline passed (maintenance) ──▶ expired
/// ```
///
/// Who moves jobs in and out of each state:
/// - `queued`: entered by the API (submit), by a worker (retry with backoff at `run_at`, or a hand-back on
///   shutdown without burning an attempt) and by maintenance (rescue of an expired lease). Left by a lane's claim,
///   by cancel, or by maintenance when the deadline passes.
/// - `running`: entered only by a lane's claim, which sets a fresh lease token. Left only through a call that
///   presents that token (complete, fail, retry, hand-back, cancel acknowledgement), or by maintenance's rescue
///   once the lease has expired (and at start-up, for every lease of the previous run).
/// - `succeeded`, `failed`, `cancelled`, `expired`: final. Nothing moves a job out of them (pruning deletes rows).
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
