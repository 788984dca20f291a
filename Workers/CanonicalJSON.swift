/// A JSON value parsed for fingerprinting, and its one canonical text: object keys sorted by their UTF-8 bytes
/// (a repeated key keeps its last value, as most JSON parsers do), no insignificant whitespace, strings re-escaped
/// one way, and numbers normalised so that `1`, `1.0`, `1e0` and `10e-1` read the same.
///
/// Pure; parsing never traps on hostile input (nesting is bounded, exponents are range-checked).
///
/// ```swift
/// let value = try CanonicalJSON(parsing: Array(body))
/// value["temperature"]?.isZero          // true for 0, 0.0, -0, 0e3
/// let bytes = value.removingMembers(["user"]).canonicalBytes
/// ```
package indirect enum CanonicalJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number in canonical text: `0`, an integer without leading zeros (`-12`, `1500`), or `<digits>e<exp>`
    /// with no trailing zeros in the digits (`15e-1` for 1.5).
    case number(String)
    case string(String)
    case array([CanonicalJSON])
    /// Members sorted by key (UTF-8 byte order), keys unique.
    case object([(key: String, value: CanonicalJSON)])

    /// Why a text is not JSON this parser accepts (no input text is ever included).
    package struct ParseError: Error, Equatable, CustomStringConvertible {
        /// Byte offset where parsing stopped.
        package var offset: Int
        package var reason: String
        package var description: String { "not canonicalisable JSON at byte \(offset): \(reason)" }
    }

    /// Deepest nesting accepted (arrays and objects); deeper input is refused rather than risking the stack.
    package static let maxDepth = 256

    /// Parses one JSON text (surrounding whitespace allowed, nothing else after the value).
    package init(parsing bytes: [UInt8]) throws {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        self = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("trailing characters after the value") }
    }

    /// The member named `key`, when this is an object.
    package subscript(key: String) -> CanonicalJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// Whether this is the number zero (in any spelling).
    package var isZero: Bool { self == .number("0") }

    /// The object without the named members (any other value unchanged).
    package func removingMembers(_ keys: Set<String>) -> CanonicalJSON {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { !keys.contains($0.key) })
    }

    /// The canonical text, as UTF-8 bytes.
    package var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    package static func == (lhs: CanonicalJSON, rhs: CanonicalJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    // MARK: Writing

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .number(let text): out += Array(text.utf8)
        case .string(let text): Self.writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Escapes only `"`, `\` and control characters (as `\u00XX`); everything else is written as UTF-8.
    static func writeString(_ text: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                out += Array("\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: Numbers

    /// The canonical text of a number given as its sign, its decimal digits and a power of ten.
    static func canonicalNumber(negative: Bool, digits: [UInt8], exponent: Int) -> String {
        var digits = digits[...].drop { $0 == UInt8(ascii: "0") }
        guard !digits.isEmpty else { return "0" }  // -0 is 0
        var exponent = exponent
        while digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            exponent += 1
        }
        let sign = negative ? "-" : ""
        let text = String(decoding: digits, as: UTF8.self)
        if exponent >= 0 && exponent <= 20 {
            return sign + text + String(repeating: "0", count: exponent)
        }
        return sign + text + "e" + String(exponent)
    }
}

/// A recursive-descent JSON parser over bytes (RFC 8259).
private struct Parser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ reason: String) -> CanonicalJSON.ParseError {
        CanonicalJSON.ParseError(offset: index, reason: reason)
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    mutating func value(depth: Int) throws -> CanonicalJSON {
        guard index < bytes.count else { throw error("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character")
        }
    }

    private mutating func literal(_ word: String, _ value: CanonicalJSON) throws -> CanonicalJSON {
        let word = Array(word.utf8)
        guard bytes.count - index >= word.count, Array(bytes[index..<index + word.count]) == word else {
            throw error("unexpected character")
        }
        index += word.count
        return value
    }

    private mutating func object(depth: Int) throws -> CanonicalJSON {
        guard depth <= CanonicalJSON.maxDepth else { throw error("nested too deeply") }
        index += 1
        var members: [String: CanonicalJSON] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object([])
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members[key] = try value(depth: depth)
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            break
        }
        let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return .object(sorted.map { (key: $0.key, value: $0.value) })
    }

    private mutating func array(depth: Int) throws -> CanonicalJSON {
        guard depth <= CanonicalJSON.maxDepth else { throw error("nested too deeply") }
        index += 1
        var elements: [CanonicalJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array([])
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return .array(elements)
        }
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard index < bytes.count, bytes[index] == byte else { throw error("unexpected character") }
        index += 1
    }

    private mutating func string() throws -> String {
        index += 1  // the opening quote
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []  // unescaped UTF-8 since the last escape
        func flush() throws {
            guard !run.isEmpty else { return }
            guard let text = String(validating: run, as: UTF8.self) else { throw error("invalid UTF-8") }
            scalars.append(contentsOf: text.unicodeScalars)
            run.removeAll(keepingCapacity: true)
        }
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                try flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush()
                scalars.append(try escape())
            case 0..<0x20:
                throw error("control character in a string")
            default:
                run.append(byte)
            }
        }
    }

    private mutating func escape() throws -> Unicode.Scalar {
        guard index < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try hex4()
            if (0xD800..<0xDC00).contains(first) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                else { throw error("unpaired surrogate") }
                index += 2
                let second = try hex4()
                guard (0xDC00..<0xE000).contains(second) else { throw error("unpaired surrogate") }
                let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else { throw error("invalid escape") }
                return scalar
            }
            guard let scalar = Unicode.Scalar(first) else { throw error("unpaired surrogate") }
            return scalar
        default:
            throw error("invalid escape")
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("invalid escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, normalised.
    private mutating func number() throws -> CanonicalJSON {
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var digits: [UInt8] = []
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                digits.append(bytes[index])
                index += 1
            }
        }
        var exponent = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            while index < bytes.count, isDigit(bytes[index]) {
                digits.append(bytes[index])
                exponent -= 1
                index += 1
            }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            var written = 0
            while index < bytes.count, isDigit(bytes[index]) {
                written = written * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                guard written <= 1_000_000_000 else { throw error("exponent out of range") }
                index += 1
            }
            exponent += exponentNegative ? -written : written
        }
        return .number(CanonicalJSON.canonicalNumber(negative: negative, digits: digits, exponent: exponent))
    }
}
