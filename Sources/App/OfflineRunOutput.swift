import API
import Foundation
import Jobs

/// Writes a run's results from its store: succeeded lines to the output file and every other final line (failed,
/// expired, cancelled, and the invalid lines skipped with `--skip-invalid`) to the errors file, in OpenAI's batch
/// output line format. Each file is written to a temporary file beside it and renamed over it, so a reader never
/// sees half a file and an earlier file stays whole until the new one is complete.
enum OfflineRunOutput {
    /// Jobs read from the store per page: 500.
    static let pageSize = 500

    /// What was written.
    struct Written: Sendable, Equatable {
        var outputLines: Int
        var errorLines: Int
    }

    /// Writes both files from the final jobs so far. The errors file is written only when it has lines; otherwise
    /// an errors file at `errorsPath` (an earlier run's) is removed, so the files on disk always match this run.
    /// - Parameters:
    ///   - order: `.completion` (the default order) or `.id` (input order, `--keep-order`).
    ///   - invalidLines: lines skipped as invalid; they open the errors file.
    static func write(
        from store: JobStore,
        order: JobStore.FinalJobOrder,
        outputPath: String,
        errorsPath: String,
        invalidLines: [BatchFileLineParser.InvalidLine]
    ) async throws -> Written {
        let ids = try await store.finalJobIDs(order: order)
        let output = try AtomicFile(path: outputPath)
        let errors = try AtomicFile(path: errorsPath)
        var written = Written(outputLines: 0, errorLines: 0)
        for invalid in invalidLines {
            try errors.append(
                BatchOutputLine.invalidLine(
                    lineNumber: invalid.lineNumber,
                    customID: invalid.customID,
                    message: invalid.message
                )
            )
            written.errorLines += 1
        }
        var start = 0
        while start < ids.count {
            let page = try await store.jobs(ids: Array(ids[start..<min(ids.count, start + pageSize)]))
            start += pageSize
            for job in page {
                if job.state == .succeeded {
                    try output.append(BatchOutputLine.encode(job))
                    written.outputLines += 1
                } else {
                    try errors.append(BatchOutputLine.encode(job))
                    written.errorLines += 1
                }
            }
        }
        try output.commit()
        if written.errorLines > 0 {
            try errors.commit()
        } else {
            // An errors file an earlier run left there would describe lines this run no longer has as errors.
            errors.discard()
            let sameFile =
                URL(fileURLWithPath: errorsPath).standardizedFileURL
                == URL(fileURLWithPath: outputPath).standardizedFileURL
            guard sameFile || unlink(errorsPath) == 0 || errno == ENOENT else {
                throw ConfigurationError(line: nil, "cannot remove \(errorsPath) (errno \(errno))")
            }
        }
        return written
    }

    /// Removes the temporary files a writer of these outputs left when it was killed during the write (named
    /// `.<file>.<pid>.tmp` beside each file; only those whose process is gone). Called once the state directory is
    /// locked, so no other run writes these outputs.
    static func removeStaleTemporaryFiles(outputPath: String, errorsPath: String) {
        for path in [outputPath, errorsPath] {
            let url = URL(fileURLWithPath: path)
            let directory = url.deletingLastPathComponent().path
            let prefix = ".\(url.lastPathComponent)."
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
                let pidText = name.dropFirst(prefix.count).dropLast(".tmp".count)
                guard let pid = pid_t(pidText), pid > 0, pid != getpid() else { continue }
                guard kill(pid, 0) != 0, errno == ESRCH else { continue }  // its writer still runs
                unlink((directory as NSString).appendingPathComponent(name))
            }
        }
    }
}

/// A file written under a temporary name in the same directory and renamed over `path` on `commit()`
/// (rename is atomic within a file system: https://man7.org/linux/man-pages/man2/rename.2.html).
private final class AtomicFile {
    private let path: String
    private let temporaryPath: String
    private let handle: FileHandle
    private var buffer = Data()
    private var open = true

    init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        temporaryPath =
            url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporaryPath)
        else {
            throw ConfigurationError(line: nil, "cannot write \(temporaryPath)")
        }
        self.handle = handle
    }

    deinit { discard() }

    /// Appends one line (a newline is added).
    func append(_ line: Data) throws {
        buffer.append(line)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 20 { try flush() }
    }

    func commit() throws {
        try flush()
        try handle.synchronize()
        try handle.close()
        open = false
        guard rename(temporaryPath, path) == 0 else {
            throw ConfigurationError(line: nil, "cannot rename \(temporaryPath) to \(path) (errno \(errno))")
        }
    }

    func discard() {
        guard open else { return }
        open = false
        try? handle.close()
        unlink(temporaryPath)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
