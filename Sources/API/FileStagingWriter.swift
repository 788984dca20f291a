import Dispatch
import Foundation

/// Writes an upload's content to its staged file with POSIX calls on a serial dispatch queue (blocking calls stay
/// off the cooperative pool), then fsyncs it so the row committed after it never points at lost bytes.
///
/// Not Sendable: one upload's task owns it. The descriptor is closed by ``syncAndClose()`` or in `deinit`.
final class FileStagingWriter {
    private let queue = DispatchQueue(label: "sluice.files.staging")
    private var descriptor: Int32

    /// Creates the file (it must not exist), readable by the owner only.
    init(url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw APIError.fileStorage("cannot create the staged file (errno \(errno))") }
        self.descriptor = fd
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Appends `bytes` to the file.
    func write(_ bytes: [UInt8]) async throws {
        let fd = descriptor
        precondition(fd >= 0, "write after close")
        let failure: Int32? = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Self.writeAll(bytes, to: fd))
            }
        }
        if let failure { throw APIError.fileStorage("cannot write the staged file (errno \(failure))") }
    }

    /// fsyncs and closes the file.
    ///
    /// fsync(2): "transfers ("flushes") all modified in-core data of … the file referred to by the file
    /// descriptor fd to the disk device". https://man7.org/linux/man-pages/man2/fsync.2.html
    func syncAndClose() async throws {
        let fd = descriptor
        descriptor = -1
        let failure: Int32? = await withCheckedContinuation { continuation in
            queue.async {
                let synced = fsync(fd) == 0 ? nil : errno
                let closed = close(fd) == 0 ? nil : errno
                continuation.resume(returning: synced ?? closed)
            }
        }
        if let failure { throw APIError.fileStorage("cannot sync the staged file (errno \(failure))") }
    }

    /// write(2) until everything is written; returns errno on failure.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBytes { raw -> Int32? in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }
}
