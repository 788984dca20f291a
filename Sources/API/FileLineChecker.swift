/// Counts the lines of an uploaded file as its bytes stream by, and checks lightly that each line of a batch
/// input file is a request line: a JSON object with a string `custom_id`, `method` and `url` and an object
/// `body`. Full validation (endpoint, model, duplicates) happens when a batch is created from the file.
///
/// ```swift
/// var checker = FileLineChecker(checksLines: true)
/// checker.consume(chunk)   // any number of times, chunks split anywhere
/// checker.finish()
/// if let failure = checker.failure { … "line \(failure.line): \(failure.reason)" … }
/// ```
struct FileLineChecker {
    /// The first line that failed the check and why (the reason never quotes the line).
    struct LineFailure: Equatable {
        var line: Int
        var reason: String
    }

    /// Longest line checked; a longer line fails the check (and is not held in memory).
    static let maxLineBytes = 32 * 1024 * 1024

    /// Whether lines are checked (purpose `batch`); lines are counted either way.
    var checksLines: Bool
    /// Lines seen so far (complete ones, plus the unfinished last one after ``finish()``).
    private(set) var lines = 0
    private(set) var failure: LineFailure?
    /// The start of a line whose end has not arrived yet (only while checking).
    private var partial: [UInt8] = []
    private var partialLength = 0

    init(checksLines: Bool) {
        self.checksLines = checksLines
    }

    mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0
        while start < bytes.count {
            guard let newline = Self.index(of: 10, in: bytes, from: start) else {
                appendPartial(UnsafeBufferPointer(rebasing: bytes[start...]))
                return
            }
            lines += 1
            if shouldCheck {
                if partialLength == 0 {
                    check(UnsafeBufferPointer(rebasing: bytes[start..<newline]), line: lines)
                } else {
                    appendPartial(UnsafeBufferPointer(rebasing: bytes[start..<newline]))
                    checkPartial(line: lines)
                }
            }
            partial.removeAll(keepingCapacity: partial.count < 1024 * 1024)
            partialLength = 0
            start = newline + 1
        }
    }

    /// Counts and checks a last line that has no newline.
    mutating func finish() {
        guard partialLength > 0 else { return }
        lines += 1
        if shouldCheck { checkPartial(line: lines) }
        partial = []
        partialLength = 0
    }

    private var shouldCheck: Bool { checksLines && failure == nil }

    private mutating func appendPartial(_ bytes: UnsafeBufferPointer<UInt8>) {
        partialLength += bytes.count
        guard shouldCheck, partialLength <= Self.maxLineBytes else { return }
        partial.append(contentsOf: bytes)
    }

    private mutating func checkPartial(line: Int) {
        guard partialLength <= Self.maxLineBytes else {
            failure = LineFailure(line: line, reason: "the line is longer than \(Self.maxLineBytes) bytes")
            return
        }
        let bytes = partial
        bytes.withUnsafeBufferPointer { check($0, line: line) }
    }

    private mutating func check(_ raw: UnsafeBufferPointer<UInt8>, line: Int) {
        var bytes = raw
        if let last = bytes.last, last == 13 { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        // Blank lines carry no request; the batch's own validation decides about them.
        if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { return }
        if let reason = Self.requestLineProblem(bytes) { failure = LineFailure(line: line, reason: reason) }
    }

    /// Why the line is not a batch request line, or nil when it is one.
    static func requestLineProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let value: JSONValue
        do {
            value = try JSONScanner.scan(bytes, collectLevels: 1)
        } catch let failure as JSONScanner.Failure {
            return "not valid JSON (\(failure.reason) at byte \(failure.offset))"
        } catch {
            return "not valid JSON"
        }
        guard value.kind == .object else { return "not a JSON object" }
        let view = JSONView(bytes: bytes)
        for name in ["custom_id", "method", "url"] {
            guard let member = view.member(name, of: value) else { return "`\(name)` is missing" }
            guard member.kind == .string else { return "`\(name)` must be a string" }
        }
        guard let body = view.member("body", of: value) else { return "`body` is missing" }
        guard body.kind == .object else { return "`body` must be an object" }
        return nil
    }

    private static func index(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        MultipartParser.index(of: byte, in: bytes, from: start)
    }
}
