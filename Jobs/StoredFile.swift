package import struct Foundation.Data
package import struct Foundation.Date

/// What a file is for (OpenAI's `purpose`). Persisted and checked by SQL.
package enum FilePurpose: String, Sendable, CaseIterable {
    /// A batch's input (uploaded).
    case batch
    /// A batch's output or error file (written by the server only).
    case batchOutput = "batch_output"
    /// Anything else a client keeps (uploaded).
    case userData = "user_data"

    /// Whether clients may upload files with this purpose (`batch_output` is produced by the server only).
    package var isUploadable: Bool { self != .batchOutput }
}

/// A stored file's row, as read back for the API. Its bytes live at ``JobStore/fileURL(_:)``.
package struct StoredFile: Sendable, Equatable {
    package var id: FileID
    package var tenant: String
    package var purpose: FilePurpose
    package var filename: String
    /// Size of the content in bytes.
    package var bytes: Int64
    /// Number of lines of the content (a last line without a newline counts), when known.
    package var lines: Int?
    /// SHA-256 of the content, when known.
    package var sha256: Data?
    package var createdAt: Date
    package var expiresAt: Date?

    package init(
        id: FileID,
        tenant: String,
        purpose: FilePurpose,
        filename: String,
        bytes: Int64,
        lines: Int?,
        sha256: Data?,
        createdAt: Date,
        expiresAt: Date?
    ) {
        self.id = id
        self.tenant = tenant
        self.purpose = purpose
        self.filename = filename
        self.bytes = bytes
        self.lines = lines
        self.sha256 = sha256
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A file to insert: its row's values. The content is already written (and fsynced) to a staged path.
package struct NewFile: Sendable {
    package var purpose: FilePurpose
    package var filename: String
    package var bytes: Int64
    package var lines: Int?
    package var sha256: Data?
    package var expiresAt: Date?

    package init(
        purpose: FilePurpose,
        filename: String,
        bytes: Int64,
        lines: Int? = nil,
        sha256: Data? = nil,
        expiresAt: Date? = nil
    ) {
        self.purpose = purpose
        self.filename = filename
        self.bytes = bytes
        self.lines = lines
        self.sha256 = sha256
        self.expiresAt = expiresAt
    }
}

/// The order of a file listing.
package enum ListOrder: String, Sendable {
    /// Oldest first.
    case ascending = "asc"
    /// Newest first (OpenAI's default).
    case descending = "desc"
}
