/// The status of a batch, spelled as OpenAI's Batch API spells it.
///
/// - `validating`: never stored by Sluice (lines are validated before the batch exists), kept for the wire.
/// - `in_progress`: set at creation; some jobs are not final yet.
/// - `finalizing`: not used yet (reserved for provider batch APIs).
/// - `completed`: every job reached a final state and the batch was not cancelled or expired.
/// - `cancelling`: cancel was requested while jobs were still running; becomes `cancelled` when they settle.
/// - `cancelled`, `expired`, `failed`: final.
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
