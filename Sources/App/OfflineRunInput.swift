import Crypto
import Foundation

/// Identifies an input file by content: its size and SHA-256. A run's state directory belongs to one fingerprint.
package struct OfflineRunFingerprint: Sendable, Equatable, CustomStringConvertible {
    /// The file's size in bytes.
    package var bytes: Int64
    /// The file's SHA-256, 64 lowercase hex digits.
    package var sha256: String

    package init(bytes: Int64, sha256: String) {
        self.bytes = bytes
        self.sha256 = sha256
    }

    package var description: String { "\(bytes) bytes, sha256 \(sha256)" }
}

/// Reads a JSONL input file line by line in 1 MiB blocks (never the whole file at once), hashing every byte on the
/// way, so one pass both validates and fingerprints the file.
///
/// The reads block the calling thread briefly; `sluice run` reads before its workers start, when nothing else
/// waits for the cooperative pool.
///
/// ```swift
/// let input = try OfflineRunInput(path: "batch.jsonl")
/// while let line = try input.nextLine() { … line.number, line.bytes … }
/// let fingerprint = input.fingerprint()   // after the last line
/// ```
final class OfflineRunInput {
    /// Bytes read per block: 1 MiB.
    static let blockSize = 1 << 20

    /// One physical line: its 1-based number and its bytes without the `\n`.
    struct Line {
        var number: Int
        var bytes: [UInt8]
    }

    private let handle: FileHandle
    private let path: String
    private var hasher = SHA256()
    private var size: Int64 = 0
    private var block: [UInt8] = []
    private var position = 0
    private var lineNumber = 0
    private var atEnd = false

    /// Opens the file.
    /// - Throws: a `ConfigurationError` when it cannot be opened.
    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigurationError(line: nil, "cannot open the input file \(path)")
        }
        self.handle = handle
        self.path = path
    }

    deinit { try? handle.close() }

    /// The next line, or nil at the end of the file. A last line without a newline is a line too.
    /// - Throws: a `ConfigurationError` when the file cannot be read.
    func nextLine() throws -> Line? {
        var pending: [UInt8] = []
        while true {
            if position < block.count {
                if let newline = block[position...].firstIndex(of: UInt8(ascii: "\n")) {
                    pending.append(contentsOf: block[position..<newline])
                    position = newline + 1
                    lineNumber += 1
                    return Line(number: lineNumber, bytes: pending)
                }
                pending.append(contentsOf: block[position...])
                position = block.count
            }
            guard try readBlock() else {
                if pending.isEmpty { return nil }
                lineNumber += 1
                return Line(number: lineNumber, bytes: pending)
            }
        }
    }

    /// The size and SHA-256 of what was read; the whole file's once `nextLine()` returned nil.
    func fingerprint() -> OfflineRunFingerprint {
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return OfflineRunFingerprint(bytes: size, sha256: digest)
    }

    private func readBlock() throws -> Bool {
        guard !atEnd else { return false }
        let data: Data
        do {
            data = try handle.read(upToCount: Self.blockSize) ?? Data()
        } catch {
            throw ConfigurationError(line: nil, "cannot read the input file \(path): \(error)")
        }
        guard !data.isEmpty else {
            atEnd = true
            return false
        }
        hasher.update(data: data)
        size += Int64(data.count)
        block = [UInt8](data)
        position = 0
        return true
    }
}
