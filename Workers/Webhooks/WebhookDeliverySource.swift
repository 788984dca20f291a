package import Jobs

package import struct Foundation.Date

/// Where the deliverer gets its work and records what happened: the store's webhook contract. `JobStore` is the
/// production source; tests use an in-memory one.
///
/// ```swift
/// let deliveries = try await source.claimWebhookDeliveries(limit: 16, leaseDuration: .seconds(60), now: Date())
/// try await source.recordWebhookAttempt(deliveries[0].id, result: result, now: Date())
/// ```
package protocol WebhookDeliverySource: Sendable {
    /// Claims up to `limit` due deliveries (or ones whose lease expired), each leased for `leaseDuration`.
    func claimWebhookDeliveries(limit: Int, leaseDuration: Duration, now: Date) async throws -> [WebhookDelivery]
    /// Logs an attempt and moves its delivery (delivered, retry, failed, or endpoint disabled).
    func recordWebhookAttempt(_ deliveryID: Int64, result: WebhookAttemptResult, now: Date) async throws
    /// The earliest time a delivery becomes due; nil when there is nothing to deliver.
    func nextWebhookDeliveryDue() async throws -> Date?
    /// Yields after writes that added deliveries. Each call is a new subscription.
    func webhookDeliveriesDue() -> AsyncStream<Void>
}

extension JobStore: WebhookDeliverySource {}
