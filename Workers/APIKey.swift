import Foundation
package import Jobs

/// A provider's API key. Its description, debug description and mirror are redacted, so interpolating it into a
/// log line, an error or `dump` never prints the secret; only `secret` reveals it, for the `Authorization` header.
package struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key itself. Read it only to build the request header.
    package let secret: String

    package init(_ secret: String) {
        self.secret = secret
    }

    package var description: String { "APIKey(<redacted>)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Reads the provider's key once, from `apiKeyEnv` (preferred) or `apiKeyFile`; nil when the provider names
    /// neither (a local server without authentication). Surrounding whitespace and newlines are trimmed.
    /// - Parameters:
    ///   - provider: the provider entry naming where the key lives.
    ///   - environment: the process environment (injectable for tests).
    /// - Throws: `WorkersError` `.missingAPIKey` when the variable is unset or empty or the file is empty,
    ///   `.unreadableAPIKeyFile` when the file cannot be read. The error names the variable or path, never a value.
    package static func load(
        for provider: ProviderConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> APIKey? {
        if let variable = provider.apiKeyEnv {
            let value = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !value.isEmpty else {
                throw WorkersError(
                    .missingAPIKey,
                    message: "provider '\(provider.name)': environment variable \(variable) is not set or empty"
                )
            }
            return APIKey(value)
        }
        if let path = provider.apiKeyFile {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw WorkersError(
                    .unreadableAPIKeyFile,
                    message: "provider '\(provider.name)': cannot read the key file \(path)"
                )
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else {
                throw WorkersError(.missingAPIKey, message: "provider '\(provider.name)': key file \(path) is empty")
            }
            return APIKey(value)
        }
        return nil
    }
}
