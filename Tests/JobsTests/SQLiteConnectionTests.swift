import CSQLite
import Foundation
import Testing

@testable import Jobs

@Suite struct SQLiteConnectionTests {
    private func withConnection(_ body: (SQLiteConnection) throws -> Void) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let connection = try SQLiteConnection(path: directory.appendingPathComponent("t.sqlite").path)
        try body(connection)
    }

    @Test func bindAndColumns_roundTripEveryType() throws {
        try withConnection { db in
            try db.execute("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n INTEGER) STRICT")
            try db.run("INSERT INTO t VALUES (?1, ?2, ?3, ?4)") {
                try $0.bind(Int64.max, at: 1)
                try $0.bind("héllo ✓", at: 2)
                try $0.bind(Data([0, 1, 2, 255]), at: 3)
                try $0.bindNull(at: 4)
            }
            try db.withStatement("SELECT i, s, b, n FROM t") { row throws in
                #expect(try row.step())
                #expect(row.int64(at: 0) == Int64.max)
                #expect(row.string(at: 1) == "héllo ✓")
                #expect(row.data(at: 2) == Data([0, 1, 2, 255]))
                #expect(row.optionalInt64(at: 3) == nil)
                #expect(row.isNull(at: 3))
                #expect(try row.step() == false)
            }
        }
    }

    @Test func bind_emptyStringAndBlob_areNotNull() throws {
        try withConnection { db in
            try db.execute("CREATE TABLE t (s TEXT NOT NULL, b BLOB NOT NULL) STRICT")
            try db.run("INSERT INTO t VALUES (?1, ?2)") {
                try $0.bind("", at: 1)
                try $0.bind(Data(), at: 2)
            }
            try db.withStatement("SELECT s, b FROM t") { row throws in
                #expect(try row.step())
                #expect(row.optionalString(at: 0) == "")
                #expect(row.optionalData(at: 1) == Data())
            }
        }
    }

    @Test func cachedStatement_isReusedForTheSameSQL() throws {
        try withConnection { db in
            let first = try db.cachedStatement("SELECT 1")
            let second = try db.cachedStatement("SELECT 1")
            #expect(first === second)
        }
    }

    @Test func error_carriesSQLAndCode_butNeverBoundValues() throws {
        try withConnection { db in
            try db.execute("CREATE TABLE t (k TEXT UNIQUE) STRICT")
            let secret = "sk-very-secret-value"
            let insert = "INSERT INTO t VALUES (?1)"
            try db.run(insert) { try $0.bind(secret, at: 1) }
            let error = #expect(throws: JobsError.self) {
                try db.run(insert) { try $0.bind(secret, at: 1) }
            }
            #expect(error?.code == .sqlite)
            #expect(error?.sqliteCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
            #expect(error?.sql == insert)
            #expect(error.map { "\($0)".contains(secret) } == false)
        }
    }

    @Test func prepare_invalidSQL_throwsWithTheSQLText() throws {
        try withConnection { db in
            let error = #expect(throws: JobsError.self) { try db.cachedStatement("SELEKT nonsense") }
            #expect(error?.sqliteCode == SQLITE_ERROR)
            #expect(error?.sql == "SELEKT nonsense")
        }
    }

    @Test func statement_isResetAfterUse_soTheNextUseStartsOver() throws {
        try withConnection { db in
            try db.execute("CREATE TABLE t (i INTEGER) STRICT; INSERT INTO t VALUES (1), (2);")
            for _ in 0..<2 {
                let first = try db.withStatement("SELECT i FROM t ORDER BY i") { row in
                    _ = try row.step()
                    return row.int(at: 0)
                }
                #expect(first == 1)
            }
        }
    }
}
