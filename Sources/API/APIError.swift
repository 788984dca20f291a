public import HTTPTypes
public import Hummingbird
import NIOCore

/// An error the API answers with, in OpenAI's shape: `{"error":{"message","type","param","code"}}`.
///
/// The message names what is wrong (a line number, a field, an id) and never carries prompts,
/// response bodies or keys.
package struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    /// OpenAI's error `type`, chosen by the HTTP status.
    package struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case invalidRequest = "invalid_request_error"
            case authentication = "authentication_error"
            case permission = "permission_error"
            case notFound = "not_found_error"
            case rateLimit = "rate_limit_error"
            case quotaExceeded = "quota_exceeded"
            case server = "server_error"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// 400 and 413: the request is wrong; retrying it unchanged will fail again.
        package static var invalidRequest: Kind { Kind(.invalidRequest) }
        /// 401: no key, or a key that is not known.
        package static var authentication: Kind { Kind(.authentication) }
        /// 403: the key is valid but may not do this.
        package static var permission: Kind { Kind(.permission) }
        /// 404: unknown route, or an id the tenant cannot see.
        package static var notFound: Kind { Kind(.notFound) }
        /// 429: slow down.
        package static var rateLimit: Kind { Kind(.rateLimit) }
        /// 429: the tenant's quota is used up until its window resets.
        package static var quotaExceeded: Kind { Kind(.quotaExceeded) }
        /// 5xx: our fault.
        package static var server: Kind { Kind(.server) }

        package var description: String { value.rawValue }
    }

    package var status: HTTPResponse.Status
    package var kind: Kind
    package var message: String
    package var param: String?
    package var code: String?
    package var headers: HTTPFields

    package init(
        _ status: HTTPResponse.Status,
        _ kind: Kind,
        message: String,
        param: String? = nil,
        code: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.kind = kind
        self.message = message
        self.param = param
        self.code = code
        self.headers = headers
    }

    package var description: String {
        "APIError(\(status.code) \(kind)\(code.map { " \($0)" } ?? "")): \(message)"
    }

    /// The OpenAI error document.
    package var jsonBody: String {
        var writer = JSONWriter()
        writer.object { o in
            o.key("error")
            o.object { e in
                e.field("message", message)
                e.field("type", kind.description)
                e.field("param", param)
                e.field("code", code)
            }
        }
        return writer.string
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: jsonBody)))
    }
}

extension APIError {
    /// 400 invalid_request_error.
    package static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(.badRequest, .invalidRequest, message: message, param: param, code: code)
    }

    /// 404 not_found_error for an id the tenant cannot see (or that is malformed).
    package static func notFound(_ what: String, id: String) -> APIError {
        APIError(.notFound, .notFound, message: "No such \(what): \(Self.printableID(id))", param: "id")
    }

    /// 413 for a request body over the limit.
    package static func bodyTooLarge(limit: Int) -> APIError {
        APIError(
            .contentTooLarge,
            .invalidRequest,
            message: "Request body is larger than the limit of \(limit) bytes.",
            code: "request_too_large"
        )
    }

    /// Keeps ids echoed in messages short and printable (an id comes from the URL, never from a body).
    static func printableID(_ id: String) -> String {
        let clipped = id.prefix(80)
        if clipped.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
            return String(clipped)
        }
        return "(malformed id)"
    }
}
