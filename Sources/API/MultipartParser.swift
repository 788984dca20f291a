import Foundation

/// A streaming `multipart/form-data` parser (RFC 7578 over RFC 2046's multipart syntax) as a pure state machine:
/// bytes in, events out, no I/O and no buffering of part bodies.
///
/// Body bytes are handed out as soon as they cannot be the start of a delimiter; only a possible partial
/// delimiter at the end of a chunk (fewer bytes than the delimiter) and an unfinished header block are kept
/// between calls. The preamble before the first boundary and the epilogue after the last are ignored.
///
/// ```swift
/// var parser = MultipartParser(boundary: "xyz")
/// for try await chunk in request.body {
///     try chunk.withUnsafeReadableBytes { raw in
///         try parser.feed(raw.assumingMemoryBound(to: UInt8.self)) { event in … }
///     }
/// }
/// try parser.finish()   // throws when the closing boundary never came
/// ```
struct MultipartParser {
    /// Why a body is not valid multipart; the reason never quotes the body.
    struct Failure: Error, Equatable {
        var reason: String
    }

    /// One part's headers (the ones form-data uses).
    struct PartHeaders: Equatable {
        /// `Content-Disposition`'s `name`.
        var name: String?
        /// `Content-Disposition`'s `filename` (`filename*` wins when both are present).
        var filename: String?
        /// The part's `Content-Type`, if given.
        var contentType: String?
    }

    enum Event {
        /// A part begins.
        case partStart(PartHeaders)
        /// Bytes of the current part's body; valid only during the callback.
        case bodyBytes(UnsafeBufferPointer<UInt8>)
        /// The current part ended.
        case partEnd
    }

    /// Largest header block of one part.
    static let maxHeaderBytes = 16 * 1024

    private enum State {
        /// Before the first delimiter: bytes are discarded.
        case preamble
        /// Right after a delimiter: `--` closes the body, otherwise optional padding and CRLF open a part.
        case afterDelimiter
        /// Reading a part's header block, up to the empty line.
        case headers
        /// Reading a part's body, up to the next delimiter.
        case body
        /// After the close delimiter: bytes are discarded.
        case epilogue
    }

    /// `CRLF--boundary`: what precedes every boundary (the first one too, thanks to the virtual CRLF).
    private let delimiter: [UInt8]
    private var state = State.preamble
    /// Unconsumed bytes carried to the next call. Starts with a virtual CRLF, so a body that opens with
    /// `--boundary` (no preamble) matches the delimiter like every later boundary.
    private var carry: [UInt8] = [13, 10]

    /// Whether the close delimiter was seen.
    var isFinished: Bool { if case .epilogue = state { true } else { false } }

    /// - Parameter boundary: the `boundary` parameter of the body's `Content-Type` (1–70 characters).
    init(boundary: String) {
        precondition(!boundary.isEmpty, "a multipart boundary cannot be empty")
        self.delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// Parses the next bytes of the body, calling `handle` for each event in order.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, _ handle: (Event) throws -> Void) throws {
        guard !carry.isEmpty else {
            let consumed = try process(bytes, handle)
            carry = Array(bytes[consumed...])
            return
        }
        if case .epilogue = state { return }
        var joined = carry
        joined.append(contentsOf: bytes)
        carry = []
        try joined.withUnsafeBufferPointer { all in
            let consumed = try process(all, handle)
            carry = Array(all[consumed...])
        }
    }

    mutating func feed(_ bytes: [UInt8], _ handle: (Event) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { try feed($0, handle) }
    }

    /// Call at the end of the body: throws when it ended before the close delimiter.
    func finish() throws {
        switch state {
        case .epilogue: return
        case .preamble: throw Failure(reason: "the body holds no part with the declared boundary")
        default: throw Failure(reason: "the body ended before the closing boundary")
        }
    }

    // MARK: The machine

    /// Consumes what it can of `bytes`, returning how many bytes were consumed; the rest must be carried.
    private mutating func process(_ bytes: UnsafeBufferPointer<UInt8>, _ handle: (Event) throws -> Void) throws -> Int {
        var position = 0
        while position < bytes.count {
            switch state {
            case .preamble, .body:
                let inBody = if case .body = state { true } else { false }
                switch findDelimiter(in: bytes, from: position) {
                case .found(let at):
                    if inBody {
                        if at > position { try handle(.bodyBytes(UnsafeBufferPointer(rebasing: bytes[position..<at]))) }
                        try handle(.partEnd)
                    }
                    position = at + delimiter.count
                    state = .afterDelimiter
                case .partial(let at):
                    if inBody, at > position {
                        try handle(.bodyBytes(UnsafeBufferPointer(rebasing: bytes[position..<at])))
                    }
                    return at
                }
            case .afterDelimiter:
                guard let next = try afterDelimiter(bytes, from: position) else { return position }
                position = next
            case .headers:
                guard position + 2 <= bytes.count else { return position }
                if bytes[position] == 13, bytes[position + 1] == 10 {
                    // An empty header block: the part has no headers.
                    try handle(.partStart(PartHeaders()))
                    position += 2
                    state = .body
                    continue
                }
                guard let end = Self.find([13, 10, 13, 10], in: bytes, from: position) else {
                    guard bytes.count - position <= Self.maxHeaderBytes else {
                        throw Failure(reason: "a part's headers are longer than \(Self.maxHeaderBytes) bytes")
                    }
                    return position
                }
                guard end - position <= Self.maxHeaderBytes else {
                    throw Failure(reason: "a part's headers are longer than \(Self.maxHeaderBytes) bytes")
                }
                let headers = try Self.parseHeaders(UnsafeBufferPointer(rebasing: bytes[position..<end]))
                try handle(.partStart(headers))
                position = end + 4
                state = .body
            case .epilogue:
                return bytes.count
            }
        }
        return position
    }

    /// After `CRLF--boundary`: `--` ends the body; otherwise transport padding (spaces, tabs) then CRLF start a
    /// part whose header block follows. Returns the position after what was read, nil when more bytes are needed.
    private mutating func afterDelimiter(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws -> Int? {
        var position = start
        guard position + 2 <= bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: "-"), bytes[position + 1] == UInt8(ascii: "-") {
            state = .epilogue
            return bytes.count
        }
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") {
            position += 1
            guard position - start <= 256 else { throw Failure(reason: "a boundary line is malformed") }
        }
        guard position + 2 <= bytes.count else { return nil }
        guard bytes[position] == 13, bytes[position + 1] == 10 else {
            throw Failure(reason: "a boundary line is malformed")
        }
        state = .headers
        return position + 2
    }

    private enum Search {
        /// The delimiter starts at this index.
        case found(Int)
        /// No delimiter; bytes from this index on may begin one (the end, when none can).
        case partial(Int)
    }

    /// Finds the delimiter from `start`, using memchr-like scanning for its first byte (CR).
    private func findDelimiter(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Search {
        var index = start
        while let cr = Self.index(of: 13, in: bytes, from: index) {
            var matched = 1
            while matched < delimiter.count, cr + matched < bytes.count, bytes[cr + matched] == delimiter[matched] {
                matched += 1
            }
            if matched == delimiter.count { return .found(cr) }
            if cr + matched == bytes.count { return .partial(cr) }
            index = cr + 1
        }
        return .partial(bytes.count)
    }

    /// The index of the first `byte` at or after `start` (memchr: fast in debug builds too).
    static func index(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while let first = Self.index(of: needle[0], in: bytes, from: index) {
            guard first + needle.count <= bytes.count else { return nil }
            if (1..<needle.count).allSatisfy({ bytes[first + $0] == needle[$0] }) { return first }
            index = first + 1
        }
        return nil
    }
}
