/// The webhook event types, spelled as on the wire. Closed and persisted (`webhook_events.type`).
///
/// - `job.completed`: a job outside a batch (or one with its own `webhook_url`) succeeded.
/// - `job.failed`: such a job ended failed, expired or cancelled.
/// - `batch.completed`, `batch.failed`, `batch.expired`, `batch.cancelled`: a batch reached that final status
///   (OpenAI's batch event types).
package enum WebhookEventType: String, Sendable, Hashable, Codable, CaseIterable {
    case jobCompleted = "job.completed"
    case jobFailed = "job.failed"
    case batchCompleted = "batch.completed"
    case batchFailed = "batch.failed"
    case batchExpired = "batch.expired"
    case batchCancelled = "batch.cancelled"

    /// The event a job's final state produces: `job.completed` for `succeeded`, `job.failed` otherwise;
    /// nil for a state that is not final.
    package init?(finalJobState state: JobState) {
        switch state {
        case .succeeded: self = .jobCompleted
        case .failed, .expired, .cancelled: self = .jobFailed
        case .queued, .running: return nil
        }
    }

    /// The event a batch's final status produces; nil for a status that is not final.
    package init?(finalBatchStatus status: BatchStatus) {
        switch status {
        case .completed: self = .batchCompleted
        case .failed: self = .batchFailed
        case .expired: self = .batchExpired
        case .cancelled: self = .batchCancelled
        case .validating, .inProgress, .finalizing, .cancelling: return nil
        }
    }
}
