/// A validating JSON scanner that records where values are instead of building them.
///
/// Submitting a batch means reading tens of thousands of lines whose bodies are forwarded upstream
/// byte for byte. The scanner checks each document completely (RFC 8259 grammar, UTF-8, nesting depth)
/// in one pass without allocating values, and keeps the byte ranges of the members the API looks at
/// (the line's fields, the body's `model`), so bodies are stored as the client sent them.
///
/// ```swift
/// let value = try bytes.withUnsafeBufferPointer { try JSONScanner.scan($0, collectLevels: 2) }
/// let model = value.member("body")?.member("model")
/// ```
struct JSONScanner {
    /// Why a document is not valid JSON; the offset counts bytes from the start of the scanned range.
    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    /// Deepest nesting accepted; deeper documents are rejected rather than risking the stack.
    static let maxDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position: Int
    private let start: Int
    private let end: Int

    private init(bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.start = range.lowerBound
        self.end = range.upperBound
    }

    /// Scans exactly one JSON value filling `range` (surrounding whitespace allowed).
    /// - Parameters:
    ///   - bytes: The whole buffer; ranges in the result index into it.
    ///   - range: The part of `bytes` holding the document.
    ///   - collectLevels: How many levels of containers record their members or elements (0: none).
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        range: Range<Int>? = nil,
        collectLevels: Int
    ) throws
        -> JSONValue
    {
        var scanner = JSONScanner(bytes: bytes, range: range ?? 0..<bytes.count)
        scanner.skipWhitespace()
        let value = try scanner.parseValue(depth: 0, collectLevels: collectLevels)
        scanner.skipWhitespace()
        guard scanner.position == scanner.end else { throw scanner.failure("unexpected data after the JSON value") }
        return value
    }

    /// Whether `bytes` is exactly one valid JSON value.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        (try? scan(bytes, collectLevels: 0)) != nil
    }

    // MARK: Grammar

    private mutating func parseValue(depth: Int, collectLevels: Int) throws -> JSONValue {
        guard position < end else { throw failure("unexpected end of data") }
        let first = position
        switch bytes[position] {
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth) levels") }
            let members = try parseObject(depth: depth, collect: collectLevels > 0, collectLevels: collectLevels - 1)
            return JSONValue(kind: .object, range: first..<position, members: members)
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth) levels") }
            let elements = try parseArray(depth: depth, collect: collectLevels > 0, collectLevels: collectLevels - 1)
            return JSONValue(kind: .array, range: first..<position, elements: elements)
        case UInt8(ascii: "\""):
            let hasEscapes = try parseString()
            return JSONValue(kind: .string, range: first..<position, stringHasEscapes: hasEscapes)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return JSONValue(kind: .bool, range: first..<position)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return JSONValue(kind: .bool, range: first..<position)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return JSONValue(kind: .null, range: first..<position)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let isInteger = try parseNumber()
            return JSONValue(kind: isInteger ? .integer : .number, range: first..<position)
        default:
            throw failure("unexpected character")
        }
    }

    private mutating func parseObject(
        depth: Int,
        collect: Bool,
        collectLevels: Int
    ) throws
        -> [JSONValue.Member]
    {
        position += 1  // {
        var members: [JSONValue.Member] = []
        skipWhitespace()
        if position < end, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return members
        }
        while true {
            skipWhitespace()
            guard position < end, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let keyStart = position
            let keyHasEscapes = try parseString()
            let keyRange = keyStart..<position
            skipWhitespace()
            guard position < end, bytes[position] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1, collectLevels: collectLevels)
            if collect {
                members.append(.init(keyRange: keyRange, keyHasEscapes: keyHasEscapes, value: value))
            }
            skipWhitespace()
            guard position < end else { throw failure("unexpected end of data in an object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return members
            } else {
                throw failure("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int, collect: Bool, collectLevels: Int) throws -> [JSONValue] {
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < end, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return elements
        }
        while true {
            skipWhitespace()
            let value = try parseValue(depth: depth + 1, collectLevels: collectLevels)
            if collect { elements.append(value) }
            skipWhitespace()
            guard position < end else { throw failure("unexpected end of data in an array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return elements
            } else {
                throw failure("expected ',' or ']'")
            }
        }
    }

    /// Scans a string token; returns whether it contains escapes.
    private mutating func parseString() throws -> Bool {
        position += 1  // opening quote
        var hasEscapes = false
        while position < end {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return hasEscapes
            case UInt8(ascii: "\\"):
                hasEscapes = true
                position += 1
                guard position < end else { throw failure("unterminated string") }
                switch bytes[position] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    guard position + 4 < end else { throw failure("truncated \\u escape") }
                    for offset in 1...4 where Self.hexValue(bytes[position + offset]) == nil {
                        throw failure("invalid \\u escape")
                    }
                    position += 5
                default:
                    throw failure("invalid escape")
                }
            case 0..<0x20:
                throw failure("control character in a string")
            case 0x80...:
                try skipUTF8Sequence()
            default:
                position += 1
            }
        }
        throw failure("unterminated string")
    }

    /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF).
    private mutating func skipUTF8Sequence() throws {
        let lead = bytes[position]
        let length: Int
        var lowerBound: UInt8 = 0x80
        var upperBound: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            lowerBound = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            upperBound = 0x9F
        case 0xF0:
            length = 4
            lowerBound = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            upperBound = 0x8F
        default: throw failure("invalid UTF-8")
        }
        guard position + length <= end else { throw failure("invalid UTF-8") }
        let second = bytes[position + 1]
        guard second >= lowerBound, second <= upperBound else { throw failure("invalid UTF-8") }
        for offset in 2..<length where bytes[position + offset] & 0xC0 != 0x80 {
            throw failure("invalid UTF-8")
        }
        position += length
    }

    /// Scans a number token; returns whether it is an integer (no fraction, no exponent).
    private mutating func parseNumber() throws -> Bool {
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < end, Self.isDigit(bytes[position]) else { throw failure("invalid number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < end, Self.isDigit(bytes[position]) { position += 1 }
        }
        if position < end, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < end, Self.isDigit(bytes[position]) else { throw failure("invalid number") }
            while position < end, Self.isDigit(bytes[position]) { position += 1 }
        }
        if position < end, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < end, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < end, Self.isDigit(bytes[position]) else { throw failure("invalid number") }
            while position < end, Self.isDigit(bytes[position]) { position += 1 }
        }
        return isInteger
    }

    private mutating func expectLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard position + count <= end else { throw failure("unexpected end of data") }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[position + offset] != pointer[offset] {
            throw failure("unexpected character")
        }
        position += count
    }

    private mutating func skipWhitespace() {
        while position < end {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
            default: return
            }
        }
    }

    private func failure(_ reason: String) -> Failure {
        Failure(offset: position - start, reason: reason)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
