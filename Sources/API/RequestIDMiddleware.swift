import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The outermost middleware: gives every request an id and turns every error into OpenAI's error shape.
///
/// - The id is the client's `x-request-id` when it is sane (1–128 of `[A-Za-z0-9._:-]`), else `req_<32 hex>`.
///   It is returned in `x-request-id` on every response, success or error, and attached to the logger.
/// - Errors: `APIError` as is; Hummingbird's `HTTPError` (unknown route → 404) and body limits (413) mapped
///   to the matching type; anything else is a 500 `server_error` whose details are only logged.
///
/// ```swift
/// router.add(middleware: RequestIDMiddleware())
/// ```
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    static let headerName = HTTPField.Name("x-request-id")!

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        var context = context
        let requestID = request.headers[Self.headerName].flatMap(Self.sanitized) ?? Self.generate()
        context.requestID = requestID
        context.logger[metadataKey: "request_id"] = .string(requestID)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Self.errorResponse(for: error, request: request, context: context)
        }
        response.headers[Self.headerName] = requestID
        return response
    }

    static func errorResponse(for error: any Error, request: Request, context: Context) -> Response {
        let apiError: APIError
        switch error {
        case let error as APIError:
            apiError = error
        case let error as HTTPError where error.status == .notFound:
            apiError = APIError(
                .notFound,
                .notFound,
                message: "Unknown request URL: \(request.method) \(request.uri.path).",
                code: "unknown_url"
            )
        case let error as HTTPError:
            apiError = APIError(
                error.status,
                kind(for: error.status),
                message: error.body ?? error.status.reasonPhrase
            )
        case is NIOTooManyBytesError:
            apiError = APIError(
                .contentTooLarge,
                .invalidRequest,
                message: "Request body is too large.",
                code: "request_too_large"
            )
        default:
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            apiError = APIError(
                .internalServerError,
                .server,
                message: "The server had an error processing the request."
            )
        }
        if apiError.status.code >= 500 {
            context.logger.error("answered with a server error", metadata: ["error": "\(apiError)"])
        } else {
            context.logger.debug("answered with a client error", metadata: ["error": "\(apiError)"])
        }
        return (try? apiError.response(from: request, context: context)) ?? Response(status: .internalServerError)
    }

    static func kind(for status: HTTPResponse.Status) -> APIError.Kind {
        switch status.code {
        case 401: .authentication
        case 403: .permission
        case 404: .notFound
        case 429: .rateLimit
        case 500...: .server
        default: .invalidRequest
        }
    }

    static func sanitized(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count) else { return nil }
        let allowed = value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
                UInt8(ascii: "-"):
                true
            default: false
            }
        }
        return allowed ? value : nil
    }

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return "req_" + hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
