import Foundation

/// The server-side request forgery check of outbound webhook URLs, run when a tenant registers one (an
/// endpoint's `url`, a job's `webhook_url`): nil when the URL is allowed, else the reason, which the API answers
/// with a 400 (`invalid_webhook_url`). The reason names the rule, never a resolved address.
///
/// The app wires `OutboundURLPolicy` (Workers) with the operator's `webhooks.allow` classes:
/// ```swift
/// configuration.webhookURLCheck = { url in
///     do { _ = try await policy.check(url); return nil } catch { return (error as? OutboundURLRefusal)?.message }
/// }
/// ```
/// The API target does not depend on Workers, hence the closure.
package typealias WebhookURLCheck = @Sendable (String) async -> String?

package enum WebhookURLChecks {
    /// The form check only (absolute `http`/`https` URL with a host, no credentials, at most 2048 bytes), for an
    /// API built without the app's policy (tests). The deliverer checks addresses again before each delivery.
    package static let formOnly: WebhookURLCheck = { url in
        guard url.utf8.count <= 2048, url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            let components = URLComponents(string: url)
        else { return "not a valid absolute URL (ASCII, at most 2048 bytes)" }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return "the URL's scheme must be http or https"
        }
        guard components.user == nil, components.password == nil else {
            return "the URL must not contain a user name or password"
        }
        guard let host = components.host, !host.isEmpty else { return "the URL has no host" }
        return nil
    }
}
