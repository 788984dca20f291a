import Foundation

/// Where a client command sends its requests and with which key, resolved from flags, the environment and (for
/// admin commands on the same machine) the server's data directory.
///
/// ```swift
/// let settings = try ClientSettings.resolve(server: nil, key: nil, environment: ProcessInfo.processInfo.environment)
/// // http://127.0.0.1:8080 with $SLUICE_API_KEY
/// ```
package struct ClientSettings: Sendable, Equatable {
    /// The server when neither `--server` nor `SLUICE_SERVER` names one: the embedded default's address.
    package static let defaultServer = "http://127.0.0.1:8080"

    /// The server's base URL, without a trailing `/` or `/v1`.
    package var server: String
    package var key: String

    package init(server: String, key: String) {
        self.server = server
        self.key = key
    }

    /// Resolves the server and the key.
    ///
    /// - Server: `server`, else `SLUICE_SERVER`, else `defaultServer`. It must be an `http` or `https` URL; a trailing
    ///   `/` or `/v1` (an OpenAI SDK base URL) is dropped.
    /// - Key: `key`, else `SLUICE_API_KEY`; for admin commands also `SLUICE_ADMIN_KEY`, then the `admin.key` file of
    ///   `dataDirectory` (the server's, when it runs on this machine).
    /// - Throws: `ClientError(.usage)` when the URL is not usable or no key is found.
    package static func resolve(
        server: String?,
        key: String?,
        environment: [String: String],
        admin: Bool = false,
        dataDirectory: String = "sluice-data"
    ) throws -> ClientSettings {
        let base = try normalizedServer(nonEmpty(server) ?? nonEmpty(environment["SLUICE_SERVER"]) ?? defaultServer)
        var resolved = nonEmpty(key) ?? nonEmpty(environment["SLUICE_API_KEY"])
        if admin {
            resolved = resolved ?? nonEmpty(environment["SLUICE_ADMIN_KEY"])
            if resolved == nil {
                let path = (dataDirectory as NSString).appendingPathComponent("admin.key")
                resolved = nonEmpty(
                    try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                )
            }
        }
        guard let resolved else {
            let sources =
                admin
                ? "--key, SLUICE_API_KEY, SLUICE_ADMIN_KEY or \(dataDirectory)/admin.key" : "--key or SLUICE_API_KEY"
            throw ClientError(.usage, "No API key: pass one with \(sources).")
        }
        return ClientSettings(server: base, key: resolved)
    }

    /// `http(s)://host[:port][/path]` without a trailing `/` or `/v1`.
    package static func normalizedServer(_ text: String) throws -> String {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.hasSuffix("/v1") { trimmed.removeLast(3) }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil
        else {
            throw ClientError(
                .usage,
                "The server must be an http:// or https:// URL like \(defaultServer), not '\(text)'."
            )
        }
        return trimmed
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
