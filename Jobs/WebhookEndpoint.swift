package import Foundation

/// A tenant's webhook endpoint: where events are POSTed, signed with its `whsec_` secret.
package struct WebhookEndpoint: Sendable, Hashable {
    package var id: WebhookEndpointID
    package var tenant: String
    package var url: String
    /// The current signing secret (`whsec_…`). Shown to the tenant only on create and rotate.
    package var secret: String
    /// The event types sent to it; nil means every type.
    package var events: [WebhookEventType]?
    package var description: String?
    package var createdAt: Date
    /// When a rotated-out secret stops signing; nil when there is none.
    package var previousSecretExpiresAt: Date?
    package var disabledAt: Date?
    /// Why it was disabled (`gone`: the receiver answered 410).
    package var disabledReason: String?

    package var isDisabled: Bool { disabledAt != nil }
}

/// An endpoint's identifier: the row id, written `whep_<n>` on the wire.
package struct WebhookEndpointID: Hashable, Sendable, Comparable, CustomStringConvertible {
    package var rawValue: Int64

    package init(_ rawValue: Int64) { self.rawValue = rawValue }

    /// Parses `whep_<n>`; returns nil for anything else.
    package init?(_ string: some StringProtocol) {
        guard string.hasPrefix("whep_"), let value = Int64(string.dropFirst(5)), value > 0 else { return nil }
        self.rawValue = value
    }

    package var description: String { "whep_\(rawValue)" }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a tenant asks for when creating an endpoint.
package struct NewWebhookEndpoint: Sendable, Hashable {
    package var url: String
    /// nil: every event type.
    package var events: [WebhookEventType]?
    package var description: String?

    package init(url: String, events: [WebhookEventType]? = nil, description: String? = nil) {
        self.url = url
        self.events = events
        self.description = description
    }
}
