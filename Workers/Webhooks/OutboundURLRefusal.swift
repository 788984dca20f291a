/// Why an outbound (webhook) URL is refused. The message is safe to show to the tenant who gave the URL: it
/// names the rule, never the resolved address.
package struct OutboundURLRefusal: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidURL, unsupportedScheme, credentialsInURL, unresolvableHost, forbiddenAddress
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Not an absolute URL with a host, too long, or a host in a form we do not accept.
        package static var invalidURL: Code { Code(.invalidURL) }
        /// A scheme other than http or https.
        package static var unsupportedScheme: Code { Code(.unsupportedScheme) }
        /// A user name or password in the URL.
        package static var credentialsInURL: Code { Code(.credentialsInURL) }
        /// The host name does not resolve.
        package static var unresolvableHost: Code { Code(.unresolvableHost) }
        /// The host is, or resolves to, an address of a refused class (loopback, private, metadata...).
        package static var forbiddenAddress: Code { Code(.forbiddenAddress) }

        package var description: String { "\(value)" }
    }

    package var code: Code
    /// The refused address class, for `.forbiddenAddress`.
    package var addressClass: OutboundAddressClass?
    /// One sentence naming the rule; never the resolved address.
    package var message: String

    package init(_ code: Code, message: String, addressClass: OutboundAddressClass? = nil) {
        self.code = code
        self.message = message
        self.addressClass = addressClass
    }

    package var description: String { "OutboundURLRefusal(\(code)): \(message)" }
}
