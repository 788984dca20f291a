import Foundation
import HTTPTypes
import Hummingbird
import Jobs
import Logging

/// Authenticates `Authorization: Bearer <key>` on every `/v1` route.
///
/// - The admin key (its SHA-256 compared in constant time with `APIConfiguration.adminKeyHash`) is tenant
///   `default` with admin rights.
/// - Any other key is hashed with SHA-256 and looked up with `JobStore.tenant(forKeyHash:)`.
/// - A missing or unknown key is a 401 `authentication_error`. Keys never reach logs or errors.
///
/// ```swift
/// v1.add(middleware: AuthenticationMiddleware(store: store, adminKeyHash: configuration.adminKeyHash))
/// ```
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// The tenant the admin key belongs to.
    static let adminTenant = "default"

    let store: JobStore
    let adminKeyHash: Data

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard let key = Self.bearerKey(request.headers[.authorization]) else {
            throw APIError(
                .unauthorized,
                .authentication,
                message: "You didn't provide an API key. Send it as `Authorization: Bearer <key>`.",
                code: "missing_api_key"
            )
        }
        let hash = APIKeyDigest.of(key)
        var context = context
        if Self.constantTimeEquals(hash, adminKeyHash) {
            context.caller = .init(tenant: Self.adminTenant, isAdmin: true)
        } else if let tenant = try await store.tenant(forKeyHash: hash) {
            context.caller = .init(tenant: tenant, isAdmin: false)
        } else {
            throw APIError(
                .unauthorized,
                .authentication,
                message: "Incorrect API key provided.",
                code: "invalid_api_key"
            )
        }
        context.logger[metadataKey: "tenant"] = .string(context.caller!.tenant)
        return try await next(request, context)
    }

    /// The key of a `Bearer` authorization (scheme matched case-insensitively), or nil.
    static func bearerKey(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let key = parts[1].trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key
    }

    /// Compares two digests without an early exit, so timing reveals nothing about where they differ.
    static func constantTimeEquals(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}
