public import Hummingbird

/// The request context of the API: Hummingbird's core storage plus the request id and the caller.
package struct APIRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The `x-request-id` of this request (the client's when sane, else `req_<32 hex>`); set by `RequestIDMiddleware`.
    package var requestID: String = ""
    /// Who is calling; set by `AuthenticationMiddleware` on every `/v1` route.
    package var caller: Caller?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// The authenticated caller of a `/v1` route.
    package struct Caller: Sendable, Equatable {
        /// The tenant whose jobs and batches the request sees.
        package var tenant: String
        /// Whether the admin key was used (tenant `default`, may call `/v1/admin`).
        package var isAdmin: Bool
    }

    /// The caller, or a 401 when a route forgot the authentication middleware (never trust a missing caller).
    func requireCaller() throws -> Caller {
        guard let caller else {
            throw APIError(.unauthorized, .authentication, message: "Authentication required.")
        }
        return caller
    }
}
