/// An error from the durable queue. It names what failed (the SQL text, an SQLite result code, an id)
/// and never carries bound values, prompts, responses or keys.
package struct JobsError: Error, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case sqlite
            case migration
            case notOpen
            case duplicateCustomID
            case closed
            case idempotencyKeyReused
            case fileSystem
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// SQLite returned an error; `sqliteCode` and `sql` say which and where.
        package static var sqlite: Code { Code(.sqlite) }
        /// The schema could not be brought to the current version.
        package static var migration: Code { Code(.migration) }
        /// The database file could not be opened.
        package static var notOpen: Code { Code(.notOpen) }
        /// Two jobs of one batch carry the same `custom_id`.
        package static var duplicateCustomID: Code { Code(.duplicateCustomID) }
        /// The store was closed while the operation waited.
        package static var closed: Code { Code(.closed) }
        /// An `Idempotency-Key` the tenant already used came with a different request (its request hash differs).
        package static var idempotencyKeyReused: Code { Code(.idempotencyKeyReused) }
        /// A file of the store (an uploaded or generated file's bytes) could not be moved or removed.
        package static var fileSystem: Code { Code(.fileSystem) }

        package var description: String { "\(value)" }
    }

    package var code: Code
    /// SQLite's primary or extended result code, when the error came from SQLite.
    package var sqliteCode: Int32?
    /// The SQL text of the statement that failed (never its bound values).
    package var sql: String?
    /// SQLite's message for the error (it names constraints and columns, never bound values).
    package var message: String

    package init(_ code: Code, message: String, sqliteCode: Int32? = nil, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sqliteCode = sqliteCode
        self.sql = sql
    }

    package var description: String {
        var text = "JobsError(\(code)): \(message)"
        if let sqliteCode { text += " [sqlite \(sqliteCode)]" }
        if let sql { text += " in `\(sql)`" }
        return text
    }
}
