import Foundation

/// An exclusive `flock` on `<data_dir>/sluice.lock`, held for the life of the server, so that two servers never
/// share one data directory: the start-up rescue of the second would take back every job the first is running.
///
/// The kernel releases the lock when the process dies (even by `kill -9`), so a crash never leaves it stale.
/// https://man7.org/linux/man-pages/man2/flock.2.html
final class DataDirectoryLock {
    static let fileName = "sluice.lock"
    private let descriptor: Int32

    /// Takes the lock or throws a `ConfigurationError` naming the directory when another process holds it.
    init(dataDirectory: String) throws {
        let path = (dataDirectory as NSString).appendingPathComponent(Self.fileName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ConfigurationError(line: nil, "cannot open \(path) (errno \(errno))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ConfigurationError(
                line: nil,
                "another sluice process is using the data directory \(dataDirectory); stop it first"
            )
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
