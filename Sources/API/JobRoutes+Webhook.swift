import Foundation
import Jobs

extension JobRoutes {
    /// The job's own one-off `"webhook_url"` (a string, or absent / null).
    static func webhookURL(_ value: JSONValue, in view: JSONView) throws -> String? {
        guard let member = view.member("webhook_url", of: value), member.kind != .null else { return nil }
        guard let url = view.string(member), !url.isEmpty else {
            throw APIError.invalidRequest("`webhook_url` must be a URL string.", param: "webhook_url")
        }
        return url
    }

    /// The job an earlier request with this idempotency key created (nil without a key or such a job); a 422 when
    /// that request differs from this one. Runs before the webhook URL check, which a repeat must not re-run.
    func originalJob(tenant: String, key: String?, hash: Data?) async throws -> Job? {
        guard let key else { return nil }
        return try await IdempotencyKey.refusingReuse {
            try await store.job(tenant: tenant, idempotencyKey: key, requestHash: hash)
        }
    }
}
