import API
import Foundation
import Jobs

/// How a run lives in its store: the valid lines in input order, as batches of ``chunkSize`` jobs of tenant
/// ``tenant``. Each batch carries the input's fingerprint and its chunk number in its metadata and is inserted with
/// the idempotency key `sluice-run-<sha256>-<bytes>-<chunk>`, so running the same command again never inserts a line
/// twice: chunks already stored are skipped, and a chunk inserted just before a crash is found by its key.
enum OfflineRunBatches {
    /// The tenant a run's jobs belong to.
    static let tenant = "default"
    /// Jobs per stored batch: 1,000 (one insert transaction each; the file is never held whole).
    static let chunkSize = 1_000
    /// How long the run's jobs may wait before they expire: 30 days (the longest completion window).
    static let completionWindow = CompletionWindow("30d")!

    /// The chunk numbers already stored for `fingerprint`.
    /// - Throws: a `ConfigurationError` (refusal) when the store holds another input's run or anything that is not
    ///   a run.
    static func storedChunks(
        in store: JobStore,
        fingerprint: OfflineRunFingerprint,
        stateDirectory: String
    ) async throws -> Set<Int> {
        var chunks: Set<Int> = []
        var after: BatchID?
        while true {
            let page = try await store.batches(tenant: tenant, after: after, limit: 500)
            for batch in page {
                guard let stored = runMetadata(batch.metadata) else {
                    throw ConfigurationError(
                        line: nil,
                        "the state directory \(stateDirectory) holds data that is not a `sluice run` (batch "
                            + "\(batch.id)); choose another --state directory"
                    )
                }
                guard stored.fingerprint == fingerprint else {
                    throw ConfigurationError(
                        line: nil,
                        "the state directory \(stateDirectory) belongs to another input file (\(stored.fingerprint)); "
                            + "this one is \(fingerprint). Use another output or --state directory, or delete "
                            + "\(stateDirectory) to start over"
                    )
                }
                chunks.insert(stored.chunk)
            }
            guard let last = page.last, page.count == 500 else { break }
            after = last.id
        }
        return chunks
    }

    /// Second pass over the input: inserts the chunks not stored yet, in input order. Lines are validated exactly as
    /// in the first pass, so the same lines are skipped.
    /// - Returns: how many chunks were inserted.
    /// - Throws: a `ConfigurationError` when the file changed since it was validated.
    static func insertMissing(
        into store: JobStore,
        path: String,
        plan: OfflineRunPlan,
        parser: BatchFileLineParser,
        stored: Set<Int>,
        now: Date = Date()
    ) async throws -> Int {
        let total = (plan.validLines + chunkSize - 1) / chunkSize
        guard stored.count < total else { return 0 }
        let input = try OfflineRunInput(path: path)
        var validator = OfflineRunLineValidator(parser: parser)
        var chunk: [NewJob] = []
        var chunkNumber = 0
        var inserted = 0
        let expiresAt = now.addingTimeInterval(TimeInterval(completionWindow.seconds))
        func flush() async throws {
            defer {
                chunk.removeAll(keepingCapacity: true)
                chunkNumber += 1
            }
            guard !chunk.isEmpty, !stored.contains(chunkNumber) else { return }
            let batch = NewBatch(
                endpoint: plan.endpoint,
                completionWindow: completionWindow.text,
                metadata: metadata(fingerprint: plan.fingerprint, chunk: chunkNumber),
                expiresAt: expiresAt,
                jobs: chunk
            )
            _ = try await store.insertBatch(
                batch,
                tenant: tenant,
                idempotencyKey: idempotencyKey(plan.fingerprint, chunk: chunkNumber),
                now: now
            )
            inserted += 1
        }
        while let line = try input.nextLine() {
            guard let job = try? validator.validate(line) else { continue }
            // Only chunks still missing need their jobs; counting the others is enough.
            chunk.append(stored.contains(chunkNumber) ? placeholder : job)
            if chunk.count == chunkSize { try await flush() }
        }
        try await flush()
        guard input.fingerprint() == plan.fingerprint else {
            throw ConfigurationError(line: nil, "the input file \(path) changed while it was read; run again")
        }
        return inserted
    }

    static func idempotencyKey(_ fingerprint: OfflineRunFingerprint, chunk: Int) -> String {
        "sluice-run-\(fingerprint.sha256)-\(fingerprint.bytes)-\(chunk)"
    }

    /// `{"sluice_run_sha256":…, "sluice_run_bytes":"…", "sluice_run_chunk":"…"}` (metadata values are strings).
    static func metadata(fingerprint: OfflineRunFingerprint, chunk: Int) -> Data {
        let object = [
            "sluice_run_sha256": fingerprint.sha256, "sluice_run_bytes": String(fingerprint.bytes),
            "sluice_run_chunk": String(chunk),
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// The fingerprint and chunk a run's batch metadata names; nil for anything else.
    static func runMetadata(_ data: Data?) -> (fingerprint: OfflineRunFingerprint, chunk: Int)? {
        guard let data, let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let sha256 = object["sluice_run_sha256"] as? String,
            let bytes = (object["sluice_run_bytes"] as? String).flatMap({ Int64($0) }),
            let chunk = (object["sluice_run_chunk"] as? String).flatMap({ Int($0) })
        else { return nil }
        return (OfflineRunFingerprint(bytes: bytes, sha256: sha256), chunk)
    }

    /// Stands in for a line of a chunk that is already stored (never inserted).
    private static let placeholder = NewJob(customID: nil, provider: "", model: "", endpoint: "", body: Data())
}
