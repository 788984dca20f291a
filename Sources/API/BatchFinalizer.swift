import Foundation
package import Jobs
package import Logging
import NIOCore
package import ServiceLifecycle

/// Takes up batches whose last job became final (`finalizing`): writes the output file (the successes) and the
/// error file (failed, expired and cancelled lines, upstream errors included) in OpenAI's batch output line format,
/// fsyncs them, and in one transaction inserts the file rows (purpose `batch_output`), links them to the batch and
/// moves it to `completed`, `expired` or `cancelled`. A file that would be empty is not written (its id is null).
///
/// Woken by `JobStore.finalizationRequests()`; at start-up it first takes up every batch a previous run left
/// `finalizing`. One batch at a time; a batch whose finalizing threw (a full disk, a read error) is retried with
/// `retryPolicy`'s backoff (see ``BatchWorkLoop``), so it still becomes final without a restart.
///
/// ```swift
/// let finalizer = BatchFinalizer(store: store, logger: logger)
/// let group = ServiceGroup(services: [validator, finalizer, api], logger: logger)
/// ```
package struct BatchFinalizer: Service {
    /// Default number of jobs read from the store per page while writing the files: 1,000.
    package static let defaultPageSize = 1_000

    let store: JobStore
    let pageSize: Int
    let retryPolicy: BatchRetryPolicy
    let logger: Logger

    package init(
        store: JobStore,
        pageSize: Int = BatchFinalizer.defaultPageSize,
        retryPolicy: BatchRetryPolicy = .standard,
        logger: Logger
    ) {
        precondition(pageSize > 0, "pageSize must be positive")
        self.store = store
        self.pageSize = pageSize
        self.retryPolicy = retryPolicy
        self.logger = logger
    }

    package func run() async throws {
        // Subscribe before the sweep, so a batch reaching `finalizing` meanwhile is not missed.
        let requests = store.finalizationRequests()
        let sweep = try await store.batchIDs(in: .finalizing)
        let loop = BatchWorkLoop(policy: retryPolicy, failureMessage: "batch finalizing failed", logger: logger)
        await loop.run(sweep: sweep, requests: requests) { id in try await finalize(id) }
    }

    /// Finalizes one batch if it is still `finalizing`; throws when it could not (nothing is left staged).
    func finalize(_ id: BatchID) async throws {
        var output: StagedLines?
        var errors: StagedLines?
        do {
            guard let batch = try await store.batchForLifecycle(id), batch.status == .finalizing else { return }
            output = try StagedLines(url: store.stageFileURL())
            errors = try StagedLines(url: store.stageFileURL())
            var after: JobID?
            while true {
                let page = try await store.finalJobs(ofBatch: id, after: after, limit: pageSize)
                guard let last = page.last else { break }
                var successes = JSONWriter(capacity: page.count * 1024)
                var failures = JSONWriter(capacity: 1024)
                var successCount = 0
                for job in page {
                    if job.state == .succeeded {
                        WireFormat.resultLine(job, into: &successes)
                        successes.newline()
                        successCount += 1
                    } else {
                        WireFormat.resultLine(job, into: &failures)
                        failures.newline()
                    }
                }
                try output?.append(successes, lines: successCount)
                try errors?.append(failures, lines: page.count - successCount)
                after = last.id
                if page.count < pageSize { break }
            }
            let outputFile = try await output?.finish()
            let errorFile = try await errors?.finish()
            output = nil
            errors = nil
            let final = try await store.finishFinalizing(id, output: outputFile, errors: errorFile)
            if let final {
                logger.info(
                    "batch finalized",
                    metadata: ["batch_id": "\(id)", "status": "\(final.status.rawValue)"]
                )
            }
        } catch {
            output?.discard()
            errors?.discard()
            throw error
        }
    }
}

/// Lines being written to a staged file. Not thread-safe: one finalizing task owns it.
private final class StagedLines {
    let url: URL
    private let handle: FileHandle
    private var bytes: Int64 = 0
    private var lines = 0

    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        self.url = url
        self.handle = try FileHandle(forWritingTo: url)
    }

    func append(_ writer: JSONWriter, lines: Int) throws {
        guard lines > 0 else { return }
        let data = Data(writer.buffer.readableBytesView)
        try handle.write(contentsOf: data)
        bytes += Int64(data.count)
        self.lines += lines
    }

    /// Fsyncs and closes the file; returns it, or nil (removing it) when it holds no line.
    func finish() async throws -> StagedBatchFile? {
        guard lines > 0 else {
            discard()
            return nil
        }
        let handle = self.handle
        // fsync(2) blocks: off the cooperative pool.
        let synced = await offCooperativePool { () -> Bool in
            (try? handle.synchronize()) != nil && (try? handle.close()) != nil
        }
        guard synced else {
            discard()
            throw CocoaError(.fileWriteUnknown)
        }
        return StagedBatchFile(url: url, bytes: bytes, lines: lines)
    }

    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }
}
