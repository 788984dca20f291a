import API
package import Foundation

/// The admin API key: from `SLUICE_ADMIN_KEY`, else read from `<data_dir>/admin.key`, else generated on first
/// start, written there with mode 0600 and shown once. It belongs to the tenant `default`.
package struct AdminKey: Sendable {
    /// Where the key came from, which decides whether it is shown.
    package enum Source: Sendable, Equatable { case environment, file, generated }

    /// File name of the stored key inside the data directory.
    package static let fileName = "admin.key"
    /// Prefix of every key Sluice generates.
    package static let prefix = "sk-sluice-admin-"

    package var source: Source
    /// SHA-256 of the key: what the API compares against.
    package var hash: Data
    private var secret: String

    /// The key in clear, for printing once when it was generated. Never log it otherwise.
    package var revealedOnce: String? { source == .generated ? secret : nil }

    /// Loads or creates the admin key for the data directory (which must exist).
    package static func loadOrCreate(dataDirectory: String, environment: [String: String]) throws -> AdminKey {
        if let key = environment["SLUICE_ADMIN_KEY"], !key.isEmpty {
            return AdminKey(source: .environment, secret: key)
        }
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else {
                throw ConfigurationError(line: nil, "\(path) is empty; delete it to get a new key")
            }
            return AdminKey(source: .file, secret: text)
        }
        var generator = SystemRandomNumberGenerator()
        let random = (0..<32).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }
            .map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        let key = prefix + random
        // Create with 0600 from the start, so the key is never readable by others, not even briefly.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw ConfigurationError(line: nil, "cannot create \(path) (errno \(errno))") }
        defer { close(fd) }
        let bytes = Array((key + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw ConfigurationError(line: nil, "cannot write \(path) (errno \(errno))")
        }
        return AdminKey(source: .generated, secret: key)
    }

    private init(source: Source, secret: String) {
        self.source = source
        self.secret = secret
        self.hash = APIKeyDigest.of(secret)
    }
}

extension AdminKey: CustomStringConvertible {
    /// Redacted: the key never reaches a log through string interpolation.
    package var description: String { "AdminKey(\(source), redacted)" }
}
