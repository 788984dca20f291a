import Hummingbird

/// An error answer in OpenAI's wire shape, `{"error":{"message","type","param","code"}}` (wire-formats.md §1.6).
/// Messages name parameters, never values from the request.
struct OpenAIErrorReply: Error, Sendable, Equatable {
    var status: HTTPResponse.Status
    var message: String
    var type: String
    var param: String?
    var code: String?

    /// The HTTP status as a plain number.
    var statusCode: Int { Int(status.code) }

    /// 400 `invalid_request_error`.
    static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> OpenAIErrorReply {
        OpenAIErrorReply(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// 400 for a body that is not JSON, with OpenAI's own wording.
    static var malformedJSON: OpenAIErrorReply {
        .invalidRequest(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
                + "library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"
        )
    }

    /// 400 for a missing required parameter.
    static func missing(_ param: String) -> OpenAIErrorReply {
        .invalidRequest("Missing required parameter: '\(param)'.", param: param, code: "missing_required_parameter")
    }

    /// 404 for a model the mock is configured not to serve.
    static func modelNotFound(_ model: String) -> OpenAIErrorReply {
        OpenAIErrorReply(
            status: .notFound,
            message: "The model `\(model)` does not exist or you do not have access to it.",
            type: "invalid_request_error",
            param: "model",
            code: "model_not_found"
        )
    }

    /// 404 for a path the mock does not serve.
    static func unknownPath(_ method: HTTPRequest.Method, _ path: String) -> OpenAIErrorReply {
        OpenAIErrorReply(
            status: .notFound,
            message: "Invalid URL (\(method.rawValue) \(path))",
            type: "invalid_request_error",
            param: nil,
            code: nil
        )
    }

    /// 405 for a known path asked with the wrong method.
    static func methodNotAllowed(_ method: HTTPRequest.Method, _ path: String) -> OpenAIErrorReply {
        OpenAIErrorReply(
            status: .methodNotAllowed,
            message: "Method \(method.rawValue) is not allowed on \(path); use POST.",
            type: "invalid_request_error",
            param: nil,
            code: nil
        )
    }

    /// 413 for a body over `MockProviderConfiguration.maxBodyBytes`.
    static var bodyTooLarge: OpenAIErrorReply {
        OpenAIErrorReply(
            status: .contentTooLarge,
            message: "The request body is too large.",
            type: "invalid_request_error",
            param: nil,
            code: nil
        )
    }

    /// 429 from the mock's own rpm/tpm limits.
    static func rateLimited(_ message: String, limit: String) -> OpenAIErrorReply {
        OpenAIErrorReply(
            status: .tooManyRequests,
            message: message,
            type: limit,
            param: nil,
            code: "rate_limit_exceeded"
        )
    }

    /// 500 `server_error`.
    static var serverError: OpenAIErrorReply {
        OpenAIErrorReply(
            status: .internalServerError,
            message: "The server had an error while processing your request (mock).",
            type: "server_error",
            param: nil,
            code: nil
        )
    }
}

extension OpenAIErrorReply {
    /// Maps a decoding failure to OpenAI's wording, naming the parameter by its path (`messages[0].role`).
    init(decodingError error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self = .missing(Self.parameterPath(context.codingPath + [key]))
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let param = Self.parameterPath(context.codingPath)
            self = .invalidRequest("Invalid type for '\(param)'.", param: param, code: "invalid_type")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self = .malformedJSON
        case .dataCorrupted(let context):
            let param = Self.parameterPath(context.codingPath)
            self = .invalidRequest("Invalid value for '\(param)'.", param: param, code: "invalid_value")
        @unknown default:
            self = .malformedJSON
        }
    }

    /// Renders a coding path the way OpenAI names parameters: `messages[0].content`.
    private static func parameterPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}

extension OpenAIErrorReply: Encodable {
    private enum OuterKeys: String, CodingKey { case error }
    private enum InnerKeys: String, CodingKey { case message, type, param, code }

    func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: OuterKeys.self)
        var inner = outer.nestedContainer(keyedBy: InnerKeys.self, forKey: .error)
        try inner.encode(message, forKey: .message)
        try inner.encode(type, forKey: .type)
        try inner.encode(param, forKey: .param)
        try inner.encode(code, forKey: .code)
    }
}
