/// The status of a batch, spelled as OpenAI's Batch API spells it.
///
/// - `validating`: a batch made from an input file (`input_file_id`), before its lines are checked; the batch
///   validator moves it to `in_progress` (inserting every job) or to `failed` (with the line errors in `errors`).
///   A batch submitted inline or as a JSONL body is validated before it exists and starts `in_progress`.
/// - `in_progress`: some jobs are not final yet.
/// - `cancelling`: cancel was requested while jobs were still queued or running.
/// - `finalizing`: every job is final; the batch finalizer writes the output and error files, then moves the batch
///   to `cancelled` (it was cancelling), `expired` (a job expired) or `completed`.
/// - `completed`, `failed`, `expired`, `cancelled`: final. A `validating` batch that is cancelled becomes
///   `cancelled` at once.
package enum BatchStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case validating
    case failed
    case inProgress = "in_progress"
    case finalizing
    case completed
    case expired
    case cancelling
    case cancelled

    package var isFinal: Bool {
        switch self {
        case .completed, .failed, .expired, .cancelled: true
        default: false
        }
    }
}
