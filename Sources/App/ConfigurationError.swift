/// A mistake in the configuration file or environment, with the line it is on when known.
package struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// 1-based line in the configuration file, when the mistake has one.
    package var line: Int?
    package var message: String

    package init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }

    package var description: String {
        if let line { return "configuration error at line \(line): \(message)" }
        return "configuration error: \(message)"
    }
}
