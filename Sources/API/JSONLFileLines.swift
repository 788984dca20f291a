import Foundation

/// Reads a JSONL file line by line, a chunk at a time, so a large input file (200 MB, 50,000 lines) is never held
/// whole in memory: at most one chunk plus the longest line.
///
/// ```swift
/// try JSONLFileLines.forEach(at: url) { number, line in
///     // `line` holds the bytes of line `number` (1-based), without its newline; valid only inside the call.
///     return true  // false stops reading
/// }
/// ```
enum JSONLFileLines {
    /// Bytes read per `read` call: 1 MiB.
    static let chunkSize = 1 << 20

    /// Calls `body` with every non-blank line and its 1-based number (blank lines count, so numbers match the
    /// client's editor). A last line without a newline counts. Stops early when `body` returns false.
    /// `chunkSize` is for tests (lines across chunk boundaries).
    /// Blocking file I/O: call it off the cooperative pool (a dedicated thread or the store's writer thread).
    static func forEach(
        at url: URL,
        chunkSize: Int = JSONLFileLines.chunkSize,
        _ body: (_ number: Int, _ line: UnsafeBufferPointer<UInt8>) throws -> Bool
    ) throws {
        precondition(chunkSize > 0, "chunkSize must be positive")
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var number = 0
        var scanFrom = 0
        while true {
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            let atEnd = chunk.isEmpty
            pending.append(contentsOf: chunk)
            var consumed = 0
            var stopped = false
            try pending.withUnsafeBufferPointer { buffer in
                var index = scanFrom
                while index < buffer.count {
                    if buffer[index] == UInt8(ascii: "\n") {
                        number += 1
                        let line = UnsafeBufferPointer(rebasing: buffer[consumed..<index])
                        consumed = index + 1
                        if !isBlank(line), try !body(number, line) {
                            stopped = true
                            return
                        }
                    }
                    index += 1
                }
                if atEnd, consumed < buffer.count {
                    number += 1
                    let line = UnsafeBufferPointer(rebasing: buffer[consumed..<buffer.count])
                    consumed = buffer.count
                    if !isBlank(line) { _ = try body(number, line) }
                }
            }
            if stopped || atEnd { return }
            pending.removeFirst(consumed)
            scanFrom = pending.count
        }
    }

    /// Whether the line holds only spaces, tabs and carriage returns.
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        !line.contains { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D) }
    }
}
