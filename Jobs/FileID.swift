/// A file's identifier: the `files` row id, written `file-<n>` on the wire (OpenAI's form).
package struct FileID: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var rawValue: Int64

    package init(_ rawValue: Int64) { self.rawValue = rawValue }

    /// Parses `file-<n>`; returns nil for anything else.
    package init?(_ text: some StringProtocol) {
        guard text.hasPrefix("file-"), let value = Int64(text.dropFirst(5)), value > 0 else { return nil }
        self.rawValue = value
    }

    package var description: String { "file-\(rawValue)" }
    package static func < (lhs: FileID, rhs: FileID) -> Bool { lhs.rawValue < rhs.rawValue }
}
