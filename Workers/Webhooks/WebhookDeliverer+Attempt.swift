import Foundation
package import Jobs

extension WebhookDeliverer {
    /// One attempt of one delivery, not recorded: check the URL, sign, send, decide what comes next.
    /// - Parameter delivery: a claimed delivery.
    /// - Returns: the status (if an answer came), a short error (never the response body), the duration and the
    ///   outcome from the retry schedule.
    package func attempt(_ delivery: WebhookDelivery) async -> WebhookAttemptResult {
        let clock = ContinuousClock()
        let start = clock.now
        func result(_ status: Int?, _ error: String?, _ outcome: WebhookAttemptOutcome) -> WebhookAttemptResult {
            WebhookAttemptResult(statusCode: status, error: error, duration: clock.now - start, outcome: outcome)
        }
        func scheduled(status: Int?, retryAfter: Duration?) -> WebhookAttemptOutcome {
            var random = SystemRandomNumberGenerator()
            return configuration.schedule.outcome(
                afterAttempt: delivery.attempt,
                status: status,
                retryAfter: retryAfter,
                isEndpoint: delivery.endpointID != nil,
                now: now(),
                using: &random
            )
        }

        let checked: CheckedOutboundURL
        do {
            checked = try await policy.check(delivery.url)
        } catch let refusal as OutboundURLRefusal {
            // A name that does not resolve may resolve later; a refused address or form will not become safe.
            let outcome = refusal.code == .unresolvableHost ? scheduled(status: nil, retryAfter: nil) : .failed
            return result(nil, "refused: \(refusal.message)", outcome)
        } catch {
            return result(nil, "refused: \(error)", scheduled(status: nil, retryAfter: nil))
        }

        let timestamp = Int64(now().timeIntervalSince1970.rounded(.down))
        let signature: String
        do {
            signature = try StandardWebhookSigner.signatureHeader(
                secrets: delivery.secrets,
                messageID: delivery.messageID,
                timestamp: timestamp,
                payload: delivery.payload
            )
        } catch {
            return result(nil, "no valid signing secret", .failed)
        }

        let request = HTTPRequest(
            method: "POST",
            url: delivery.url,
            headers: [
                ("content-type", "application/json"),
                ("user-agent", configuration.userAgent),
                ("webhook-id", delivery.messageID),
                ("webhook-timestamp", String(timestamp)),
                ("webhook-signature", signature),
            ],
            body: delivery.payload,
            timeout: configuration.requestTimeout,
            connectTimeout: min(configuration.requestTimeout, .seconds(10)),
            resolve: checked.resolveEntries,
            allowsProxy: false
        )
        do {
            let response = try await transport.send(request)
            let retryAfter = RetryAfter.parse(headers: response.headers, now: now())
            let outcome = scheduled(status: response.status, retryAfter: retryAfter)
            let error = (200...299).contains(response.status) ? nil : "receiver answered \(response.status)"
            return result(response.status, error, outcome)
        } catch let error as TransportError {
            return result(nil, "\(error.code): \(error.message)", scheduled(status: nil, retryAfter: nil))
        } catch {
            return result(nil, "\(error)", scheduled(status: nil, retryAfter: nil))
        }
    }
}
