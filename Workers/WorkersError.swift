/// An error from the execution side. It names the provider, the environment variable or file, the endpoint —
/// never a key, a prompt or a response body.
package struct WorkersError: Error, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case missingAPIKey
            case unreadableAPIKeyFile
            case unsupportedProviderKind
            case unsupportedEndpoint
            case invalidBaseURL
            case invalidLimits
            case invalidWebhookSecret
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The provider names a key source (environment variable or file) that is empty or absent.
        package static var missingAPIKey: Code { Code(.missingAPIKey) }
        /// The provider's key file could not be read.
        package static var unreadableAPIKeyFile: Code { Code(.unreadableAPIKeyFile) }
        /// No adapter speaks this provider kind yet.
        package static var unsupportedProviderKind: Code { Code(.unsupportedProviderKind) }
        /// A job names an endpoint the adapter cannot call.
        package static var unsupportedEndpoint: Code { Code(.unsupportedEndpoint) }
        /// The provider's base URL is not an http(s) URL.
        package static var invalidBaseURL: Code { Code(.invalidBaseURL) }
        /// A provider's limits cannot be kept (e.g. `max_concurrency` below 1).
        package static var invalidLimits: Code { Code(.invalidLimits) }
        /// A webhook signing secret is not `whsec_<base64>` (or there is none).
        package static var invalidWebhookSecret: Code { Code(.invalidWebhookSecret) }

        package var description: String { "\(value)" }
    }

    package var code: Code
    /// What went wrong, naming the provider and where the key should come from; never the key.
    package var message: String

    package init(_ code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "WorkersError(\(code)): \(message)" }
}
