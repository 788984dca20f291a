import CSQLite

import struct Foundation.Data

/// A prepared statement with typed bind and column helpers. Not Sendable: it belongs to its connection's thread.
///
/// Parameter and column indexes follow SQLite: parameters count from 1, columns from 0.
/// Errors carry the SQL text and SQLite's code, never the bound values.
final class SQLiteStatement {
    let sql: String
    private let handle: OpaquePointer

    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Stepping

    /// Advances to the next row. Returns true when a row is available, false when the statement is done.
    /// - SeeAlso: https://www.sqlite.org/c3ref/step.html
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw error(rc)
        }
    }

    /// Resets the statement and clears its bindings so it can run again. The step error, if any, was already
    /// thrown by ``step()``, so the code `sqlite3_reset` repeats is not checked again.
    /// - SeeAlso: https://www.sqlite.org/c3ref/reset.html
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Binding

    /// - SeeAlso: https://www.sqlite.org/c3ref/bind_blob.html
    func bind(_ value: Int64?, at index: Int32) throws {
        guard let value else { return try bindNull(at: index) }
        try check(sqlite3_bind_int64(handle, index, value))
    }

    func bind(_ value: Int?, at index: Int32) throws {
        try bind(value.map(Int64.init), at: index)
    }

    func bind(_ value: Bool, at index: Int32) throws {
        try bind(Int64(value ? 1 : 0), at: index)
    }

    func bind(_ value: String?, at index: Int32) throws {
        guard var value else { return try bindNull(at: index) }
        let rc = value.withUTF8 { bytes in
            sluice_sqlite3_bind_text(
                handle,
                index,
                UnsafeRawPointer(bytes.baseAddress)?
                    .assumingMemoryBound(to: CChar.self),
                Int32(bytes.count)
            )
        }
        try check(rc)
    }

    func bind(_ value: Data?, at index: Int32) throws {
        guard let value else { return try bindNull(at: index) }
        let rc = value.withUnsafeBytes { bytes in
            sluice_sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count))
        }
        try check(rc)
    }

    func bindNull(at index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    // MARK: Columns

    /// - SeeAlso: https://www.sqlite.org/c3ref/column_blob.html
    func isNull(at column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    func int(at column: Int32) -> Int {
        Int(sqlite3_column_int64(handle, column))
    }

    func bool(at column: Int32) -> Bool {
        sqlite3_column_int64(handle, column) != 0
    }

    func optionalInt64(at column: Int32) -> Int64? {
        isNull(at: column) ? nil : int64(at: column)
    }

    func optionalInt(at column: Int32) -> Int? {
        isNull(at: column) ? nil : int(at: column)
    }

    func string(at column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    func optionalString(at column: Int32) -> String? {
        isNull(at: column) ? nil : string(at: column)
    }

    func data(at column: Int32) -> Data {
        guard let bytes = sqlite3_column_blob(handle, column) else { return Data() }
        return Data(bytes: bytes, count: Int(sqlite3_column_bytes(handle, column)))
    }

    func optionalData(at column: Int32) -> Data? {
        isNull(at: column) ? nil : data(at: column)
    }

    // MARK: Errors

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw error(rc) }
    }

    private func error(_ rc: Int32) -> JobsError {
        let message =
            sqlite3_db_handle(handle).map { String(cString: sqlite3_errmsg($0)) }
            ?? String(cString: sqlite3_errstr(rc))
        return JobsError(.sqlite, message: message, sqliteCode: rc, sql: sql)
    }
}
