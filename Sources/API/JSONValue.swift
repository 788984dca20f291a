/// Where one JSON value lies in a scanned buffer, with its members or elements when they were collected.
struct JSONValue {
    enum Kind: Equatable {
        case object, array, string, integer, number, bool, null

        /// How the kind is named in validation messages.
        var name: String {
            switch self {
            case .object: "an object"
            case .array: "an array"
            case .string: "a string"
            case .integer, .number: "a number"
            case .bool: "a boolean"
            case .null: "null"
            }
        }
    }

    struct Member {
        var keyRange: Range<Int>
        var keyHasEscapes: Bool
        var value: JSONValue
    }

    var kind: Kind
    /// The value's bytes, quotes and brackets included.
    var range: Range<Int>
    var members: [Member] = []
    var elements: [JSONValue] = []
    var stringHasEscapes = false
}

/// Reads values of a scanned buffer. Valid only while the buffer it wraps is.
struct JSONView {
    let bytes: UnsafeBufferPointer<UInt8>

    /// The last member named `name` (JSON allows duplicates; the last one wins, as in most parsers).
    func member(_ name: String, of object: JSONValue) -> JSONValue? {
        var found: JSONValue?
        for member in object.members where keyEquals(member, name) {
            found = member.value
        }
        return found
    }

    /// The decoded string, or nil when the value is not a string.
    func string(_ value: JSONValue) -> String? {
        guard value.kind == .string else { return nil }
        let inner = (value.range.lowerBound + 1)..<(value.range.upperBound - 1)
        if !value.stringHasEscapes {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[inner]), as: UTF8.self)
        }
        return Self.unescape(UnsafeBufferPointer(rebasing: bytes[inner]))
    }

    /// The integer, or nil when the value is not an integer literal that fits.
    func int(_ value: JSONValue) -> Int? {
        guard value.kind == .integer else { return nil }
        return Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[value.range]), as: UTF8.self))
    }

    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[range])
    }

    private func keyEquals(_ member: JSONValue.Member, _ name: String) -> Bool {
        let inner = (member.keyRange.lowerBound + 1)..<(member.keyRange.upperBound - 1)
        if member.keyHasEscapes {
            return Self.unescape(UnsafeBufferPointer(rebasing: bytes[inner])) == name
        }
        return name.utf8.elementsEqual(bytes[inner])
    }

    /// Decodes the inside of a string token already validated by `JSONScanner`.
    static func unescape(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        func hex4(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for offset in 0..<4 { value = value << 4 | UInt32(JSONScanner.hexValue(bytes[at + offset]) ?? 0) }
            return value
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar), index + 6 <= bytes.count,
                    bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(index + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                output.append(contentsOf: String(Character(unicode)).utf8)
            default: output.append(escape)  // \" \\ \/
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
