import Foundation

/// One validating pass over an OpenAI answer's bytes that reads only what `OpenAIAdapter.parse` needs: the top-level
/// `usage` (`prompt_tokens`, `completion_tokens`, `prompt_tokens_details.cached_tokens`) and `error` (`code`,
/// `type`) members. Replaces a `JSONDecoder` pass (5% of the server's CPU per job in BENCHMARKS.md).
///
/// It follows the decoder it replaces: the answer is well formed only when the whole body is one JSON value and that
/// value is an object; a member of the wrong type reads as absent (`"usage": 5` is no usage, `"prompt_tokens": "3"`
/// is no count); an integer member accepts a number with a fraction or exponent only when its value is a whole
/// number that fits in `Int`. Keys and values inside other members (message content, nested objects) are validated
/// and skipped, never matched.
///
/// ```swift
/// let fields = OpenAIAnswerScanner.scan(response.body)   // fields.isWellFormed, fields.usage?.promptTokens
/// ```
struct OpenAIAnswerScanner {
    /// What one scan found; `usage` is nil when the answer has no `usage` object.
    struct Fields: Equatable {
        var isWellFormed = false
        var usage: Usage?
        var errorCode: String?
        var errorType: String?
        var hasError = false
    }

    struct Usage: Equatable {
        var promptTokens: Int?
        var completionTokens: Int?
        var cachedTokens: Int?
    }

    /// Which object the scanner is inside, for the members it reads.
    private enum Place { case top, usage, details, error, other }

    private struct Malformed: Error {}

    /// The deepest nesting accepted, like Foundation's JSON parser (512).
    private static let maxDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0
    private var fields = Fields()
    /// The members already read: with a repeated key the decoder keeps the first value.
    private var seen: UInt8 = 0

    private enum Member: UInt8 { case usage, error, promptTokens, completionTokens, details, cachedTokens, code, type }

    /// Whether `member` is read for the first time (and notes it read).
    private mutating func isFirst(_ member: Member) -> Bool {
        let bit: UInt8 = 1 << member.rawValue
        defer { seen |= bit }
        return seen & bit == 0
    }

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    static func scan(_ body: Data) -> Fields {
        body.withUnsafeBytes { raw in
            var scanner = OpenAIAnswerScanner(bytes: raw)
            do {
                // Foundation's decoder skips a UTF-8 byte order mark.
                if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { scanner.index = 3 }
                scanner.skipWhitespace()
                guard scanner.peek() == UInt8(ascii: "{") else { return Fields() }
                try scanner.value(in: .top)
                scanner.skipWhitespace()
                guard scanner.index == raw.count else { return Fields() }
            } catch {
                return Fields()
            }
            scanner.fields.isWellFormed = true
            return scanner.fields
        }
    }

    // MARK: Grammar

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Parses one value; `place` is the object this value is when it is an object.
    private mutating func value(in place: Place) throws {
        skipWhitespace()
        guard let byte = peek() else { throw Malformed() }
        switch byte {
        case UInt8(ascii: "{"): try object(place)
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Malformed() }
        let start = word.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { throw Malformed() }
        index += count
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maxDepth else { throw Malformed() }
    }

    private mutating func array() throws {
        try enter()
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return
        }
        while true {
            try value(in: .other)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                // Foundation's decoder accepts a trailing comma.
                if peek() == UInt8(ascii: "]") {
                    index += 1
                    depth -= 1
                    return
                }
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return
            default: throw Malformed()
            }
        }
    }

    private mutating func object(_ place: Place) throws {
        try enter()
        index += 1
        switch place {
        case .usage: fields.usage = Usage()
        case .error: fields.hasError = true
        default: break
        }
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return
        }
        // The decoder decodes every key of an object it reads; one it cannot decode fails that object.
        var keysDecode = true
        defer {
            if !keysDecode { discard(place) }
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw Malformed() }
            let key = try string()
            if place != .other, !keyDecodes(key) { keysDecode = false }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw Malformed() }
            index += 1
            try member(key, in: place)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                // Foundation's decoder accepts a trailing comma.
                if peek() == UInt8(ascii: "}") {
                    index += 1
                    depth -= 1
                    if !keysDecode && place == .top { throw Malformed() }
                    return
                }
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                if !keysDecode && place == .top { throw Malformed() }
                return
            default: throw Malformed()
            }
        }
    }

    /// Forgets what an object whose keys do not all decode contributed.
    private mutating func discard(_ place: Place) {
        switch place {
        case .usage: fields.usage = nil
        case .details: fields.usage?.cachedTokens = nil
        case .error:
            fields.hasError = false
            fields.errorCode = nil
            fields.errorType = nil
        case .top, .other: break
        }
    }

    private func keyDecodes(_ range: Range<Int>) -> Bool {
        let inner = bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]
        if !inner.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\\") || $0 >= 0x80 }) { return true }
        return decoded(range) != nil
    }

    /// Parses a member's value, keeping it when `key` in `place` is one `parse` reads.
    private mutating func member(_ key: Range<Int>, in place: Place) throws {
        switch place {
        case .top:
            if matches(key, "usage"), isFirst(.usage) {
                fields.usage = nil
                try valueIfObject(as: .usage)
                return
            }
            if matches(key, "error"), isFirst(.error) {
                fields.hasError = false
                fields.errorCode = nil
                fields.errorType = nil
                try valueIfObject(as: .error)
                return
            }
        case .usage:
            if matches(key, "prompt_tokens"), isFirst(.promptTokens) {
                let read = try integerValue()
                fields.usage?.promptTokens = read
                return
            }
            if matches(key, "completion_tokens"), isFirst(.completionTokens) {
                let read = try integerValue()
                fields.usage?.completionTokens = read
                return
            }
            if matches(key, "prompt_tokens_details"), isFirst(.details) {
                fields.usage?.cachedTokens = nil
                try valueIfObject(as: .details)
                return
            }
        case .details:
            if matches(key, "cached_tokens"), isFirst(.cachedTokens) {
                let read = try integerValue()
                fields.usage?.cachedTokens = read
                return
            }
        case .error:
            if matches(key, "code"), isFirst(.code) {
                let read = try stringValue()
                fields.errorCode = read
                return
            }
            if matches(key, "type"), isFirst(.type) {
                let read = try stringValue()
                fields.errorType = read
                return
            }
        case .other:
            break
        }
        try value(in: .other)
    }

    /// A member that is read as an object: anything else (null, a number…) is skipped and reads as absent.
    private mutating func valueIfObject(as place: Place) throws {
        skipWhitespace()
        try value(in: peek() == UInt8(ascii: "{") ? place : .other)
    }

    /// A member read as an `Int`: nil for null, a non-number or a number that is not a whole `Int`.
    private mutating func integerValue() throws -> Int? {
        skipWhitespace()
        guard let byte = peek(), byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39) else {
            try value(in: .other)
            return nil
        }
        return integer(in: try number())
    }

    /// A member read as a `String`: nil for null or a non-string.
    private mutating func stringValue() throws -> String? {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else {
            try value(in: .other)
            return nil
        }
        let range = try string()
        return decoded(range)
    }

    /// Skips a number the way Foundation's JSON scanner does: a digit or `-`, then any run of digits, `.`, `+`, `-`,
    /// `e` and `E`. Its grammar is checked only when the number is read (`integer(in:)`), as the decoder does.
    private mutating func number() throws -> Range<Int> {
        let start = index
        guard let first = peek(), first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else {
            throw Malformed()
        }
        index += 1
        while let byte = peek() {
            switch byte {
            case 0x30...0x39, UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "e"),
                UInt8(ascii: "E"):
                index += 1
            default:
                return start..<index
            }
        }
        return start..<index
    }

    /// The number at `range` as an `Int`: nil unless it is a JSON number whose value is a whole `Int`.
    private func integer(in range: Range<Int>) -> Int? {
        // RFC 8259 grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
        var position = range.lowerBound
        func digits() -> Int {
            let start = position
            while position < range.upperBound, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            return position - start
        }
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let integerStart = position
        let integerDigits = digits()
        guard integerDigits > 0, bytes[integerStart] != 0x30 || integerDigits == 1 else { return nil }
        var isInteger = true
        if position < range.upperBound, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard digits() > 0 else { return nil }
        }
        if position < range.upperBound, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if position < range.upperBound, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")
            {
                position += 1
            }
            guard digits() > 0 else { return nil }
        }
        guard position == range.upperBound else { return nil }
        if isInteger {
            var result = 0
            for offset in integerStart..<range.upperBound {
                let digit = Int(bytes[offset] &- 0x30)
                let (shifted, overflow1) = result.multipliedReportingOverflow(by: 10)
                let (next, overflow2) =
                    negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                if overflow1 || overflow2 { return nil }
                result = next
            }
            return result
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        guard let double = Double(text) else { return nil }
        return Int(exactly: double)
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek(), byte >= 0x30, byte <= 0x39 { index += 1 }
        return index - start
    }

    /// Skips a string the way Foundation's JSON scanner does (escapes and control characters are checked only when
    /// the string is read, by `decoded(_:)`); returns the range of the quotes and everything between.
    private mutating func string() throws -> Range<Int> {
        let start = index
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return start..<index
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw Malformed() }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "u") {
                    guard index + 4 <= bytes.count else { throw Malformed() }
                    for offset in 0..<4 where bytes[index + offset] == UInt8(ascii: "\"") { throw Malformed() }
                    index += 4
                }
            default:
                index += 1
            }
        }
        throw Malformed()
    }

    /// Whether the string at `range` (quotes included) is `name`; a key with escapes is decoded first.
    private func matches(_ range: Range<Int>, _ name: StaticString) -> Bool {
        let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
        let count = name.utf8CodeUnitCount
        if inner.count == count {
            let start = name.utf8Start
            for offset in 0..<count where bytes[inner.lowerBound + offset] != start[offset] { return false }
            return true
        }
        guard bytes[inner].contains(UInt8(ascii: "\\")) else { return false }
        return decoded(range) == name.description
    }

    /// The string at `range` (quotes included), unescaped; nil when it is not valid text.
    private func decoded(_ range: Range<Int>) -> String? {
        let inner = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        if inner.contains(where: { $0 < 0x20 }) { return nil }
        if !inner.contains(UInt8(ascii: "\\")) {
            return String(validating: inner, as: UTF8.self)
        }
        let data = Data(UnsafeRawBufferPointer(rebasing: bytes[range]))
        return (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) as? String
    }
}
