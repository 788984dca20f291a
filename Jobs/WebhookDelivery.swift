package import Foundation

/// One webhook attempt to make, as ``JobStore/claimWebhookDeliveries(limit:leaseDuration:now:)`` hands it to the
/// deliverer. The deliverer signs `payload` with every secret (Standard Webhooks) and reports the attempt with
/// ``JobStore/recordWebhookAttempt(_:result:now:)``.
package struct WebhookDelivery: Sendable, Hashable {
    /// The delivery row id (one per event × endpoint, or per event × one-off job URL).
    package var id: Int64
    /// The `webhook-id` header: the event id (`evt_…`), stable across retries.
    package var messageID: String
    /// Where to POST the payload.
    package var url: String
    /// `whsec_…` secrets to sign with: the current one first, then a rotated-out one still valid (24 h).
    package var secrets: [String]
    /// The exact bytes to send and sign (minified JSON in OpenAI's event shape).
    package var payload: Data
    /// How many attempts were made before this one (0 on the first).
    package var attempt: Int
    /// The endpoint the delivery is for; nil for a job's one-off `webhook_url`.
    package var endpointID: Int64?
    /// When the event was recorded.
    package var createdAt: Date

    package init(
        id: Int64,
        messageID: String,
        url: String,
        secrets: [String],
        payload: Data,
        attempt: Int,
        endpointID: Int64?,
        createdAt: Date
    ) {
        self.id = id
        self.messageID = messageID
        self.url = url
        self.secrets = secrets
        self.payload = payload
        self.attempt = attempt
        self.endpointID = endpointID
        self.createdAt = createdAt
    }
}

/// What the deliverer decided after an attempt.
package enum WebhookAttemptOutcome: Sendable, Hashable {
    /// The receiver answered 2xx: the delivery is final.
    case delivered
    /// Try again at this time (the delivery goes back to `pending`).
    case retry(at: Date)
    /// Give up on this delivery (final).
    case failed
    /// The receiver answered 410 Gone: fail this delivery, disable its endpoint and fail the endpoint's pending
    /// deliveries. For a one-off job URL this is the same as ``failed``.
    case disableEndpoint
}

/// One attempt's result, recorded in the delivery log (`webhook_attempts`).
package struct WebhookAttemptResult: Sendable, Hashable {
    /// The receiver's HTTP status, nil when no answer came (connection refused, timeout, refused address).
    package var statusCode: Int?
    /// A short description of what went wrong; never the response body beyond a short excerpt. The store keeps
    /// at most ``WebhookAttemptResult/maxErrorLength`` characters with control characters removed.
    package var error: String?
    /// How long the attempt took.
    package var duration: Duration
    package var outcome: WebhookAttemptOutcome

    /// The most characters of `error` the store keeps.
    package static let maxErrorLength = 200

    package init(statusCode: Int?, error: String?, duration: Duration, outcome: WebhookAttemptOutcome) {
        self.statusCode = statusCode
        self.error = error
        self.duration = duration
        self.outcome = outcome
    }
}
