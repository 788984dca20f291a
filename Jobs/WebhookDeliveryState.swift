/// The state of one webhook delivery. Closed and persisted: the schema checks it.
///
/// ```
///   (event recorded) ──▶ pending ──claim──▶ delivering ──2xx──▶ delivered
///                          ▲                   │  │
///                          └── retry(at:) ─────┘  └── failed / 410 / endpoint deleted ──▶ failed
///                          (a lease that expires makes `delivering` claimable again)
/// ```
package enum WebhookDeliveryState: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case delivering
    case delivered
    case failed

    package var isFinal: Bool { self == .delivered || self == .failed }
}
