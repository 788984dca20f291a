package import Foundation

/// Files (OpenAI's Files API): rows in `files`, bytes on disk in ``filesDirectory``.
///
/// ```swift
/// let staged = store.stageFileURL()
/// // … write the content to `staged`, fsync it …
/// let file = try await store.insertFile(newFile, stagedAt: staged, tenant: "t", idempotencyKey: nil,
///                                       requestHash: nil)
/// let bytesAt = store.fileURL(file.id)
/// ```
extension JobStore {
    /// Prefix of staged (not yet committed) files inside ``filesDirectory``.
    static let stagedFilePrefix = "staged-"

    /// Where files' bytes live: `files/` beside the database file.
    package var filesDirectory: URL {
        URL(fileURLWithPath: configuration.path).deletingLastPathComponent().appendingPathComponent(
            "files",
            isDirectory: true
        )
    }

    /// The path of a committed file's bytes: `files/file-<n>.jsonl`.
    package func fileURL(_ id: FileID) -> URL { Self.fileURL(id, in: filesDirectory) }

    static func fileURL(_ id: FileID, in directory: URL) -> URL {
        directory.appendingPathComponent("\(id).jsonl", isDirectory: false)
    }

    /// A fresh path inside ``filesDirectory`` (created when missing) to write a file's content to before
    /// ``insertFile(_:stagedAt:tenant:idempotencyKey:requestHash:now:)`` moves it to its final name. Being on the
    /// same filesystem makes that move atomic. ``removeStagedFiles()`` clears leftovers at start-up.
    package func stageFileURL() -> URL {
        let directory = filesDirectory
        // Best effort: when this fails, creating the staged file fails and says why.
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("\(Self.stagedFilePrefix)\(UUID().uuidString).part")
    }

    /// Inserts a file whose content is complete and fsynced at `stagedAt` (see ``stageFileURL()``): one write
    /// transaction inserts the row and renames the content to ``fileURL(_:)`` before it commits.
    ///
    /// With an idempotency key already used by the tenant, returns the original file, or throws
    /// `JobsError.Code.idempotencyKeyReused` when the original's request hash differs from `requestHash`.
    /// Whatever happens, nothing is left at `stagedAt` afterwards.
    package func insertFile(
        _ file: NewFile,
        stagedAt: URL,
        tenant: String,
        idempotencyKey: String?,
        requestHash: Data?,
        now: Date = Date()
    ) async throws -> StoredFile {
        let now = now.unixMilliseconds
        defer { try? FileManager.default.removeItem(at: stagedAt) }
        return try await writer.write { db in
            try StoreWrites(db: db).insertFile(
                file,
                stagedAt: stagedAt,
                tenant: tenant,
                idempotencyKey: idempotencyKey,
                requestHash: requestHash,
                now: now
            )
        }
    }

    /// The tenant's file, nil when it does not exist, is another tenant's or was deleted.
    package func file(_ id: FileID, tenant: String) async throws -> StoredFile? {
        try await readers.read { db in try StoreReads(db: db).file(id, tenant: tenant) }
    }

    /// The tenant's files in `order` of creation, `after` being a cursor (exclusive), optionally of one purpose.
    package func files(
        tenant: String,
        after: FileID?,
        limit: Int,
        purpose: FilePurpose?,
        order: ListOrder
    ) async throws -> [StoredFile] {
        try await readers.read { db in
            try StoreReads(db: db).files(tenant: tenant, after: after, limit: limit, purpose: purpose, order: order)
        }
    }

    /// Deletes the tenant's file: marks the row deleted, then (after the commit) removes its bytes. Returns
    /// whether there was such a file. A batch using the file as its input keeps running.
    package func deleteFile(_ id: FileID, tenant: String, now: Date = Date()) async throws -> Bool {
        let now = now.unixMilliseconds
        let deleted = try await writer.write { db in try StoreWrites(db: db).deleteFile(id, tenant: tenant, now: now) }
        if deleted {
            // A failure here leaves unreachable bytes (the row is deleted); not worth failing the request for.
            try? FileManager.default.removeItem(at: fileURL(id))
        }
        return deleted
    }

    /// Deletes files whose `expires_at` passed (as OpenAI does), at most `limit` per call: marks the rows deleted,
    /// then removes their bytes. Returns how many. Run by maintenance.
    @discardableResult
    package func deleteExpiredFiles(now: Date = Date(), limit: Int = 1_000) async throws -> Int {
        let now = now.unixMilliseconds
        let ids = try await writer.write { db in try StoreWrites(db: db).deleteExpiredFiles(now: now, limit: limit) }
        for id in ids {
            // A failure leaves unreachable bytes (the row is deleted); not worth failing maintenance for.
            try? FileManager.default.removeItem(at: fileURL(id))
        }
        return ids.count
    }

    /// Removes the bytes no file row stands for: a deleted file whose bytes a crash kept (they are removed after the
    /// commit), or an insert whose transaction never committed after its rename. Call it at start-up, before
    /// serving and before anything inserts files. Returns how many were removed.
    @discardableResult
    package func removeOrphanedFiles() async throws -> Int {
        let directory = filesDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return 0 }
        let onDisk = names.compactMap { name -> FileID? in
            guard name.hasSuffix(".jsonl") else { return nil }
            return FileID(name.dropLast(6))
        }
        guard !onDisk.isEmpty else { return 0 }
        let live = try await readers.read { db in try StoreReads(db: db).liveFileIDs(among: onDisk) }
        var removed = 0
        for id in onDisk where !live.contains(id) {
            if (try? FileManager.default.removeItem(at: fileURL(id))) != nil { removed += 1 }
        }
        return removed
    }

    /// Removes staged files left by uploads that never committed (a crash, a dropped connection). Call it at
    /// start-up, before serving: every staged file then belongs to a previous run. Returns how many.
    @discardableResult
    package func removeStagedFiles() -> Int {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: filesDirectory.path) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix(Self.stagedFilePrefix) {
            if (try? manager.removeItem(at: filesDirectory.appendingPathComponent(name))) != nil { removed += 1 }
        }
        return removed
    }
}
