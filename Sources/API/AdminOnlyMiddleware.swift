import Hummingbird

/// Lets only the admin key through (403 `permission_error` for tenant keys). Place after authentication.
struct AdminOnlyMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard try context.requireCaller().isAdmin else {
            throw APIError(
                .forbidden,
                .permission,
                message: "This route needs the admin key.",
                code: "admin_required"
            )
        }
        return try await next(request, context)
    }
}
