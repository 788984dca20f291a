package import Foundation

/// One line of an endpoint's delivery log, as the API lists it.
package struct WebhookDeliveryRecord: Sendable, Hashable {
    /// The delivery row id (`whdel_<n>` on the wire; the cursor of the log's pages).
    package var id: Int64
    /// The event id (`evt_…`), the `webhook-id` the receiver saw.
    package var eventID: String
    package var eventType: WebhookEventType
    /// The job or batch the event is about (`job_1`, `batch_2`).
    package var subject: String
    package var state: WebhookDeliveryState
    /// Attempts made so far.
    package var attempts: Int
    /// The receiver's status on the last attempt, if it answered.
    package var lastStatus: Int?
    /// The last attempt's short error, if any.
    package var lastError: String?
    /// When the next attempt is due (pending deliveries only).
    package var nextAttemptAt: Date?
    package var deliveredAt: Date?
    package var createdAt: Date
}
