/// Why a client command (`sluice submit`, `keys`, `usage`, `batches`) failed. Carries the server's error message
/// and code when it answered, never a key or a request body.
package struct ClientError: Error, CustomStringConvertible, Equatable {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case usage, connect, server, protocolError, file }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The command line or the environment is wrong (missing key, bad URL, bad `--since`).
        package static var usage: Code { Code(.usage) }
        /// The server could not be reached.
        package static var connect: Code { Code(.connect) }
        /// The server answered with an error status.
        package static var server: Code { Code(.server) }
        /// The server answered something this client cannot read.
        package static var protocolError: Code { Code(.protocolError) }
        /// A local file could not be read or written.
        package static var file: Code { Code(.file) }

        package var description: String { "\(value)" }
    }

    package var code: Code
    package var message: String
    /// The HTTP status, for `.server`.
    package var status: Int?

    package init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    package var description: String { message }
}
