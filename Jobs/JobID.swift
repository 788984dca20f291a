/// A job's identifier: the row id, written `job_<n>` on the wire.
package struct JobID: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var rawValue: Int64

    package init(_ rawValue: Int64) { self.rawValue = rawValue }

    /// Parses `job_<n>`; returns nil for anything else.
    package init?(_ string: some StringProtocol) {
        guard string.hasPrefix("job_"), let value = Int64(string.dropFirst(4)), value > 0 else { return nil }
        self.rawValue = value
    }

    package var description: String { "job_\(rawValue)" }
    package static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A batch's identifier: the row id, written `batch_<n>` on the wire.
package struct BatchID: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var rawValue: Int64

    package init(_ rawValue: Int64) { self.rawValue = rawValue }

    /// Parses `batch_<n>`; returns nil for anything else.
    package init?(_ string: some StringProtocol) {
        guard string.hasPrefix("batch_"), let value = Int64(string.dropFirst(6)), value > 0 else { return nil }
        self.rawValue = value
    }

    package var description: String { "batch_\(rawValue)" }
    package static func < (lhs: BatchID, rhs: BatchID) -> Bool { lhs.rawValue < rhs.rawValue }
}
