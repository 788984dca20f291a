import CSQLite

/// One SQLite connection. Not Sendable: it lives on the one thread that opened it and is closed in `deinit`.
///
/// Statements are prepared once per SQL text and kept in a cache (`SQLITE_PREPARE_PERSISTENT`); use
/// ``withStatement(_:_:)`` so the statement is reset (and its bindings cleared) after every use.
final class SQLiteConnection {
    /// How the connection is opened.
    struct Options {
        /// `PRAGMA synchronous`; only meaningful for a connection that writes.
        var synchronous: String = "FULL"
        /// `PRAGMA busy_timeout` in milliseconds.
        var busyTimeoutMilliseconds: Int = 5_000
        /// `PRAGMA query_only`: a reader refuses every write.
        var queryOnly: Bool = false
    }

    let path: String
    private let handle: OpaquePointer
    private var cache: [String: SQLiteStatement] = [:]

    /// Opens (creating when missing) the database file.
    ///
    /// `SQLITE_OPEN_NOMUTEX`: the connection is confined to one thread, so SQLite's own mutex is not needed.
    /// `SQLITE_OPEN_EXRESCODE`: errors carry extended result codes (e.g. 2067 for a UNIQUE constraint).
    /// - SeeAlso: https://www.sqlite.org/c3ref/open.html
    init(path: String, options: Options = Options()) throws {
        _ = Self.processSetUp
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw JobsError(.notOpen, message: "cannot open the database: \(message)", sqliteCode: rc)
        }
        self.path = path
        self.handle = db
        do {
            try execute("PRAGMA busy_timeout = \(options.busyTimeoutMilliseconds)")
            try execute("PRAGMA foreign_keys = ON")
            try execute("PRAGMA temp_store = MEMORY")
            if options.queryOnly {
                try execute("PRAGMA query_only = ON")
            } else {
                try execute("PRAGMA synchronous = \(options.synchronous)")
            }
        } catch {
            sqlite3_close_v2(db)
            throw error
        }
    }

    /// Process-wide set-up, once, before the first connection opens.
    ///
    /// "SQLITE_CONFIG_MEMSTATUS … When disabled, the amount of memory allocated is not tracked, which eliminates
    /// a mutex that is otherwise taken on every memory allocation" (paraphrasing https://www.sqlite.org/c3ref/c_config_covering_index_scan.html).
    /// If SQLite was already initialized by someone else in the process the call is refused (SQLITE_MISUSE), which
    /// only costs speed, so the result is deliberately not treated as an error.
    private static let processSetUp: Void = {
        _ = sluice_sqlite3_config_int(SQLITE_CONFIG_MEMSTATUS, 0)
        _ = sqlite3_initialize()
    }()

    deinit {
        // Statements must be finalized before the connection closes; close_v2 would otherwise leave a zombie.
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    // MARK: Executing

    /// Runs one or more statements without bindings (schema, pragmas, transaction control).
    /// - SeeAlso: https://www.sqlite.org/c3ref/exec.html
    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard rc == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            throw JobsError(.sqlite, message: message, sqliteCode: rc, sql: sql)
        }
    }

    /// Runs `body` with the cached statement for `sql`, then resets it and clears its bindings,
    /// so no statement stays active (holding a read snapshot) after the call.
    func withStatement<T>(_ sql: String, _ body: (SQLiteStatement) throws -> T) throws -> T {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        return try body(statement)
    }

    /// Runs one cached statement that returns no rows, after `bind` bound its parameters.
    /// Returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, bind: (SQLiteStatement) throws -> Void = { _ in }) throws -> Int {
        try withStatement(sql) { statement in
            try bind(statement)
            while try statement.step() {}
            return changes
        }
    }

    /// The cached statement for `sql`, prepared on first use with `SQLITE_PREPARE_PERSISTENT`.
    /// - SeeAlso: https://www.sqlite.org/c3ref/prepare.html
    func cachedStatement(_ sql: String) throws -> SQLiteStatement {
        if let statement = cache[sql] { return statement }
        let statement = try prepare(sql, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        cache[sql] = statement
        return statement
    }

    /// Prepares a statement that is not cached (finalized when released).
    func prepare(_ sql: String, flags: UInt32 = 0) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw error(rc, sql: sql)
        }
        return SQLiteStatement(handle: statement, sql: sql)
    }

    // MARK: State

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    /// - SeeAlso: https://www.sqlite.org/c3ref/changes.html
    var changes: Int { Int(sqlite3_changes64(handle)) }

    /// The rowid of the most recent successful INSERT on this connection.
    /// - SeeAlso: https://www.sqlite.org/c3ref/last_insert_rowid.html
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether no transaction is open ("autocommit mode").
    /// - SeeAlso: https://www.sqlite.org/c3ref/get_autocommit.html
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Reads an integer pragma, e.g. `user_version`.
    func integerPragma(_ name: String) throws -> Int64 {
        try withStatement("PRAGMA \(name)") { statement in
            guard try statement.step() else {
                throw JobsError(.sqlite, message: "pragma returned no row", sql: "PRAGMA \(name)")
            }
            return statement.int64(at: 0)
        }
    }

    /// Reads a text pragma, e.g. `journal_mode`.
    func textPragma(_ name: String) throws -> String {
        try withStatement("PRAGMA \(name)") { statement in
            guard try statement.step() else {
                throw JobsError(.sqlite, message: "pragma returned no row", sql: "PRAGMA \(name)")
            }
            return statement.string(at: 0)
        }
    }

    /// A typed error for `rc` with SQLite's current message for this connection (never bound values).
    func error(_ rc: Int32, sql: String?) -> JobsError {
        JobsError(.sqlite, message: String(cString: sqlite3_errmsg(handle)), sqliteCode: rc, sql: sql)
    }
}
