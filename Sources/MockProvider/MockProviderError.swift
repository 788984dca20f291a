/// An error from the mock provider's Swift API (not an HTTP answer; those are `OpenAIErrorReply`).
package struct MockProviderError: Error, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case stoppedBeforeListening
            case stopped
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The server's `run()` ended (or failed to bind) before it was listening.
        package static var stoppedBeforeListening: Code { Code(.stoppedBeforeListening) }
        /// The server has already stopped, so it has no port any more.
        package static var stopped: Code { Code(.stopped) }

        package var description: String { "\(value)" }
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "MockProviderError(\(code)): \(message)" }
}
