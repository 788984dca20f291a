import Foundation
import HTTPTypes
import Jobs

/// Refuses a submission (`POST /v1/jobs`, `POST /v1/batches`) while the tenant is over quota: 429 in OpenAI's
/// error shape with `type` and `code` `quota_exceeded` and a message naming the quota, its figures and when it
/// resets.
///
/// "Over quota at submit" (see `QuotaAccounting`): what a quota's window has left (limit − recorded) is less than
/// the tenant's last call reserved, or nothing is left. Calls in flight do not count (they may cost less than
/// reserved). Jobs accepted before the quota ran out are not refused: they wait in the queue for the window.
///
/// `retry-after` (whole seconds to the reset) is sent only when the reset is at most 120 s away, the longest the
/// OpenAI SDKs honour; further away, `x-should-retry: false` tells them not to retry (they would otherwise retry a
/// 429 at once, several times).
struct SubmitQuotaGate: Sendable {
    /// The longest `retry-after` sent: 120 s (OpenAI SDKs give up on anything longer).
    static let maxRetryAfterSeconds = 120

    let quotas: QuotaAccountant

    /// Throws the 429 when the tenant is over quota now.
    func check(tenant: String, now: Date = Date()) async throws {
        guard let breach = try await quotas.submitBreach(tenant: tenant, now: now) else { return }
        throw Self.error(breach, now: now)
    }

    static func error(_ breach: QuotaBreach, now: Date) -> APIError {
        let seconds = max(1, Int(breach.resetsAt.timeIntervalSince(now).rounded(.up)))
        var headers = HTTPFields()
        if seconds <= maxRetryAfterSeconds {
            headers[HTTPField.Name("retry-after")!] = "\(seconds)"
        } else {
            headers[HTTPField.Name("x-should-retry")!] = "false"
        }
        return APIError(
            .tooManyRequests,
            .quotaExceeded,
            message: breach.message,
            code: "quota_exceeded",
            headers: headers
        )
    }
}
