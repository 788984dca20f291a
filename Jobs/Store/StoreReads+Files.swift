import struct Foundation.Data
import struct Foundation.Date

extension StoreReads {
    static let fileColumns = "id, tenant, purpose, filename, bytes, lines, sha256, created_at, expires_at"

    /// The tenant's file, unless it was deleted.
    func file(_ id: FileID, tenant: String) throws -> StoredFile? {
        let sql = """
            SELECT \(Self.fileColumns) FROM files WHERE id = ?1 AND tenant = ?2 AND deleted_at IS NULL
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(id.rawValue, at: 1)
            try statement.bind(tenant, at: 2)
            return try statement.step() ? Self.file(statement) : nil
        }
    }

    /// The file the tenant created with this idempotency key (even if deleted since) and its request hash.
    func file(tenant: String, idempotencyKey: String) throws -> (file: StoredFile, requestHash: Data?)? {
        let sql = """
            SELECT \(Self.fileColumns), request_hash FROM files WHERE tenant = ?1 AND idempotency_key = ?2
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(idempotencyKey, at: 2)
            guard try statement.step() else { return nil }
            return (try Self.file(statement), statement.optionalData(at: 9))
        }
    }

    /// The tenant's files that are not deleted, in id order (`order`), after the cursor `after` (exclusive, in
    /// that order), optionally of one purpose.
    func files(
        tenant: String,
        after: FileID?,
        limit: Int,
        purpose: FilePurpose?,
        order: ListOrder
    ) throws -> [StoredFile] {
        var conditions = ["tenant = ?1", "deleted_at IS NULL"]
        if purpose != nil { conditions.append("purpose = ?2") }
        if after != nil { conditions.append(order == .ascending ? "id > ?3" : "id < ?3") }
        let sql = """
            SELECT \(Self.fileColumns) FROM files WHERE \(conditions.joined(separator: " AND "))
            ORDER BY id \(order == .ascending ? "ASC" : "DESC") LIMIT ?4
            """
        return try db.withStatement(sql) { statement in
            try statement.bind(tenant, at: 1)
            try statement.bind(purpose?.rawValue, at: 2)
            try statement.bind(after?.rawValue, at: 3)
            try statement.bind(max(0, limit), at: 4)
            var files: [StoredFile] = []
            while try statement.step() { files.append(try Self.file(statement)) }
            return files
        }
    }

    /// Which of `ids` have a row that is not deleted.
    func liveFileIDs(among ids: [FileID]) throws -> Set<FileID> {
        var live: Set<FileID> = []
        try db.withStatement("SELECT 1 FROM files WHERE id = ?1 AND deleted_at IS NULL") { statement in
            for id in ids {
                try statement.bind(id.rawValue, at: 1)
                if try statement.step() { live.insert(id) }
                statement.reset()
            }
        }
        return live
    }

    /// Decodes a row selected with ``fileColumns``.
    static func file(_ row: SQLiteStatement) throws -> StoredFile {
        guard let purpose = FilePurpose(rawValue: row.string(at: 2)) else {
            throw JobsError(.sqlite, message: "a file row holds an unknown purpose", sql: row.sql)
        }
        return StoredFile(
            id: FileID(row.int64(at: 0)),
            tenant: row.string(at: 1),
            purpose: purpose,
            filename: row.string(at: 3),
            bytes: row.int64(at: 4),
            lines: row.optionalInt(at: 5),
            sha256: row.optionalData(at: 6),
            createdAt: Date(unixMilliseconds: row.int64(at: 7)),
            expiresAt: row.optionalInt64(at: 8).map(Date.init(unixMilliseconds:))
        )
    }
}
