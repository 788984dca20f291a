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
}
