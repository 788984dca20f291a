import Foundation
import Testing

@testable import Jobs

@Suite struct JobStoreFileTests {
    /// Writes `content` to a fresh staged path of the store and returns it.
    private func stage(_ content: String, in store: JobStore) throws -> URL {
        let url = store.stageFileURL()
        try Data(content.utf8).write(to: url)
        return url
    }

    private func newFile(_ content: String, purpose: FilePurpose = .batch, name: String = "in.jsonl") -> NewFile {
        NewFile(
            purpose: purpose,
            filename: name,
            bytes: Int64(content.utf8.count),
            lines: content.split(separator: "\n").count,
            sha256: Data(repeating: 7, count: 32),
            expiresAt: t0.addingTimeInterval(3_600)
        )
    }

    @Test(.timeLimit(.minutes(1))) func insertFile_movesStagedBytesAndReadsBack() async throws {
        try await withStore { store, _ in
            let staged = try stage("a\nb\n", in: store)
            let file = try await store.insertFile(
                newFile("a\nb\n"),
                stagedAt: staged,
                tenant: "a",
                idempotencyKey: nil,
                requestHash: nil,
                now: t0
            )
            #expect(file.id.description == "file-\(file.id.rawValue)")
            #expect(file.purpose == .batch)
            #expect(file.filename == "in.jsonl")
            #expect(file.bytes == 4)
            #expect(file.lines == 2)
            #expect(file.createdAt == t0)
            #expect(file.expiresAt == t0.addingTimeInterval(3_600))
            #expect(!FileManager.default.fileExists(atPath: staged.path))
            #expect(store.fileURL(file.id).lastPathComponent == "\(file.id).jsonl")
            #expect(try Data(contentsOf: store.fileURL(file.id)) == Data("a\nb\n".utf8))
            #expect(try await store.file(file.id, tenant: "a") == file)
            #expect(try await store.file(file.id, tenant: "b") == nil)
        }
    }

    @Test func fileID_parsesOnlyItsTextForm() {
        #expect(FileID("file-12")?.rawValue == 12)
        #expect(FileID("file-0") == nil)
        #expect(FileID("file-") == nil)
        #expect(FileID("batch_1") == nil)
        #expect(FileID("file-1x") == nil)
        #expect(FileID(12).description == "file-12")
    }

    @Test(.timeLimit(.minutes(1))) func insertFile_withUsedKeyAndSameHash_returnsOriginalAndDropsStaged() async throws {
        try await withStore { store, _ in
            let hash = Data(repeating: 1, count: 32)
            let first = try await store.insertFile(
                newFile("one\n"),
                stagedAt: try stage("one\n", in: store),
                tenant: "a",
                idempotencyKey: "k",
                requestHash: hash,
                now: t0
            )
            let staged = try stage("one\n", in: store)
            let again = try await store.insertFile(
                newFile("one\n"),
                stagedAt: staged,
                tenant: "a",
                idempotencyKey: "k",
                requestHash: hash,
                now: t0.addingTimeInterval(5)
            )
            #expect(again == first)
            #expect(!FileManager.default.fileExists(atPath: staged.path))
            let listed = try await store.files(tenant: "a", after: nil, limit: 10, purpose: nil, order: .descending)
            #expect(listed.count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func insertFile_withUsedKeyAndOtherHash_throwsReusedAndStoresNothing() async throws {
        try await withStore { store, _ in
            let first = try await store.insertFile(
                newFile("one\n"),
                stagedAt: try stage("one\n", in: store),
                tenant: "a",
                idempotencyKey: "k",
                requestHash: Data(repeating: 1, count: 32),
                now: t0
            )
            let staged = try stage("two\n", in: store)
            await #expect {
                try await store.insertFile(
                    newFile("two\n"),
                    stagedAt: staged,
                    tenant: "a",
                    idempotencyKey: "k",
                    requestHash: Data(repeating: 2, count: 32),
                    now: t0
                )
            } throws: { error in
                (error as? JobsError)?.code == .idempotencyKeyReused
            }
            #expect(!FileManager.default.fileExists(atPath: staged.path))
            #expect(try Data(contentsOf: store.fileURL(first.id)) == Data("one\n".utf8))
            let listed = try await store.files(tenant: "a", after: nil, limit: 10, purpose: nil, order: .descending)
            #expect(listed.map(\.id) == [first.id])
        }
    }

    @Test(.timeLimit(.minutes(1))) func files_pagesInBothOrdersAndFiltersByPurpose() async throws {
        try await withStore { store, _ in
            var ids: [FileID] = []
            for index in 0..<5 {
                let purpose: FilePurpose = index % 2 == 0 ? .batch : .userData
                let file = try await store.insertFile(
                    newFile("\(index)\n", purpose: purpose),
                    stagedAt: try stage("\(index)\n", in: store),
                    tenant: "a",
                    idempotencyKey: nil,
                    requestHash: nil,
                    now: t0
                )
                ids.append(file.id)
            }
            let newest = try await store.files(tenant: "a", after: nil, limit: 2, purpose: nil, order: .descending)
            #expect(newest.map(\.id) == [ids[4], ids[3]])
            let older = try await store.files(tenant: "a", after: ids[3], limit: 10, purpose: nil, order: .descending)
            #expect(older.map(\.id) == [ids[2], ids[1], ids[0]])
            let oldest = try await store.files(tenant: "a", after: ids[1], limit: 2, purpose: nil, order: .ascending)
            #expect(oldest.map(\.id) == [ids[2], ids[3]])
            let batches = try await store.files(tenant: "a", after: nil, limit: 10, purpose: .batch, order: .ascending)
            #expect(batches.map(\.id) == [ids[0], ids[2], ids[4]])
            #expect(try await store.files(tenant: "b", after: nil, limit: 10, purpose: nil, order: .ascending).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1))) func deleteFile_hidesRowAndRemovesBytes() async throws {
        try await withStore { store, _ in
            let file = try await store.insertFile(
                newFile("x\n"),
                stagedAt: try stage("x\n", in: store),
                tenant: "a",
                idempotencyKey: nil,
                requestHash: nil,
                now: t0
            )
            #expect(try await store.deleteFile(file.id, tenant: "b") == false)
            #expect(try await store.deleteFile(file.id, tenant: "a"))
            #expect(try await store.deleteFile(file.id, tenant: "a") == false)
            #expect(try await store.file(file.id, tenant: "a") == nil)
            #expect(!FileManager.default.fileExists(atPath: store.fileURL(file.id).path))
            #expect(try await store.files(tenant: "a", after: nil, limit: 10, purpose: nil, order: .ascending).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1))) func deleteExpiredFiles_deletesOnlyExpiredOnesAndTheirBytes() async throws {
        try await withStore { store, _ in
            var expiring = newFile("old\n")
            expiring.expiresAt = t0.addingTimeInterval(60)
            var lasting = newFile("new\n")
            lasting.expiresAt = t0.addingTimeInterval(3_600)
            var forever = newFile("keep\n", purpose: .userData)
            forever.expiresAt = nil
            var stored: [StoredFile] = []
            for (file, content) in [(expiring, "old\n"), (lasting, "new\n"), (forever, "keep\n")] {
                stored.append(
                    try await store.insertFile(
                        file,
                        stagedAt: try stage(content, in: store),
                        tenant: "a",
                        idempotencyKey: nil,
                        requestHash: nil,
                        now: t0
                    )
                )
            }
            #expect(try await store.deleteExpiredFiles(now: t0.addingTimeInterval(59)) == 0)
            #expect(try await store.deleteExpiredFiles(now: t0.addingTimeInterval(60)) == 1)
            #expect(try await store.file(stored[0].id, tenant: "a") == nil)
            #expect(!FileManager.default.fileExists(atPath: store.fileURL(stored[0].id).path))
            #expect(try await store.deleteExpiredFiles(now: t0.addingTimeInterval(86_400)) == 1)
            #expect(try await store.file(stored[2].id, tenant: "a") != nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func removeOrphanedFiles_removesBytesWithoutALiveRow() async throws {
        try await withStore { store, _ in
            var kept: [StoredFile] = []
            for content in ["a\n", "b\n"] {
                kept.append(
                    try await store.insertFile(
                        newFile(content),
                        stagedAt: try stage(content, in: store),
                        tenant: "a",
                        idempotencyKey: nil,
                        requestHash: nil,
                        now: t0
                    )
                )
            }
            // A deleted file whose bytes survived (a crash after the commit), and bytes of an insert that never
            // committed.
            #expect(try await store.deleteFile(kept[1].id, tenant: "a"))
            try Data("b\n".utf8).write(to: store.fileURL(kept[1].id))
            try Data("never committed".utf8).write(to: store.fileURL(FileID(99)))
            #expect(try await store.removeOrphanedFiles() == 2)
            #expect(FileManager.default.fileExists(atPath: store.fileURL(kept[0].id).path))
            #expect(!FileManager.default.fileExists(atPath: store.fileURL(kept[1].id).path))
            #expect(!FileManager.default.fileExists(atPath: store.fileURL(FileID(99)).path))
            #expect(try await store.removeOrphanedFiles() == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func removeStagedFiles_removesOnlyStagedLeftovers() async throws {
        try await withStore { store, _ in
            let file = try await store.insertFile(
                newFile("x\n"),
                stagedAt: try stage("x\n", in: store),
                tenant: "a",
                idempotencyKey: nil,
                requestHash: nil,
                now: t0
            )
            let leftover = try stage("partial", in: store)
            #expect(store.removeStagedFiles() == 1)
            #expect(!FileManager.default.fileExists(atPath: leftover.path))
            #expect(FileManager.default.fileExists(atPath: store.fileURL(file.id).path))
        }
    }
}
