import Foundation

extension StoreWrites {
    /// Inserts a file's row and moves its content from `stagedAt` to its final name, `file-<n>.jsonl` in the same
    /// directory, before the transaction commits (rename is atomic on one filesystem).
    ///
    /// The content at `stagedAt` must already be complete and fsynced. With an idempotency key the tenant already
    /// used, returns the original file and leaves `stagedAt` alone (the caller removes it), or throws
    /// `JobsError.Code.idempotencyKeyReused` when `requestHash` differs from the original's. A crash or a rollback
    /// after the rename leaves a file named for an id that no committed row holds; the next insert that gets the
    /// id overwrites it.
    func insertFile(
        _ file: NewFile,
        stagedAt: URL,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data?,
        now: Int64
    ) throws -> StoredFile {
        let reads = StoreReads(db: db)
        if let idempotencyKey, let existing = try reads.file(tenant: tenant, idempotencyKey: idempotencyKey) {
            try Self.checkRequestHash(stored: existing.requestHash, given: requestHash)
            return existing.file
        }
        try ensureTenant(tenant, now: now)
        try db.run(Self.insertFileSQL) {
            try $0.bind(tenant, at: 1)
            try $0.bind(file.purpose.rawValue, at: 2)
            try $0.bind(file.filename, at: 3)
            try $0.bind(file.bytes, at: 4)
            try $0.bind(file.lines, at: 5)
            try $0.bind(file.sha256, at: 6)
            try $0.bind(idempotencyKey, at: 7)
            try $0.bind(requestHash, at: 8)
            try $0.bind(now, at: 9)
            try $0.bind(file.expiresAt?.unixMilliseconds, at: 10)
        }
        let id = FileID(db.lastInsertRowID)
        guard let stored = try reads.file(id, tenant: tenant) else {
            throw JobsError(.sqlite, message: "the inserted file cannot be read back", sql: Self.insertFileSQL)
        }
        let final = JobStore.fileURL(id, in: stagedAt.deletingLastPathComponent())
        // rename(2): "If newpath already exists, it will be atomically replaced" (a file left by a rolled-back
        // insert of the same id). https://man7.org/linux/man-pages/man2/rename.2.html
        guard rename(stagedAt.path, final.path) == 0 else {
            throw JobsError(
                .fileSystem,
                message: "cannot move the staged file to \(final.lastPathComponent) (errno \(errno))"
            )
        }
        try Self.syncDirectory(of: final)
        return stored
    }

    /// Makes the rename durable before the row commits: fsync of the directory that holds the entry. Without it a
    /// power loss could bring the bytes back under their staged name, which the start-up sweep removes, leaving a
    /// committed row without content.
    static func syncDirectory(of file: URL) throws {
        let directory = open(file.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY)
        guard directory >= 0 else {
            throw JobsError(.fileSystem, message: "cannot open the files directory to sync it (errno \(errno))")
        }
        defer { close(directory) }
        guard fsync(directory) == 0 else {
            throw JobsError(.fileSystem, message: "cannot sync the files directory (errno \(errno))")
        }
    }

    /// Marks the tenant's file deleted; returns whether it was there to delete. The bytes are removed by the
    /// caller after the commit.
    func deleteFile(_ id: FileID, tenant: String, now: Int64) throws -> Bool {
        try db.run("UPDATE files SET deleted_at = ?1 WHERE id = ?2 AND tenant = ?3 AND deleted_at IS NULL") {
            try $0.bind(now, at: 1)
            try $0.bind(id.rawValue, at: 2)
            try $0.bind(tenant, at: 3)
        } == 1
    }

    /// Marks up to `limit` files whose `expires_at` passed as deleted; returns their ids (the caller removes the
    /// bytes after the commit).
    func deleteExpiredFiles(now: Int64, limit: Int) throws -> [FileID] {
        try db.withStatement(Self.deleteExpiredFilesSQL) { statement in
            try statement.bind(now, at: 1)
            try statement.bind(limit, at: 2)
            var ids: [FileID] = []
            while try statement.step() { ids.append(FileID(statement.int64(at: 0))) }
            return ids
        }
    }

    private static let deleteExpiredFilesSQL = """
        UPDATE files SET deleted_at = ?1
        WHERE id IN (
            SELECT id FROM files WHERE deleted_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?1 LIMIT ?2
        )
        RETURNING id
        """

    private static let insertFileSQL = """
        INSERT INTO files(tenant, purpose, filename, bytes, lines, sha256, idempotency_key, request_hash, created_at,
            expires_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        """
}
