import NIOCore

/// A small, fast JSON builder writing straight into a `ByteBuffer`.
///
/// It keeps commas right by itself and can embed raw JSON bytes (stored upstream bodies) unchanged,
/// which `JSONEncoder` cannot do without re-encoding them as strings.
///
/// ```swift
/// var writer = JSONWriter()
/// writer.object { o in
///     o.field("id", "job_1")
///     o.key("response"); o.rawJSON(bodyBytes)
/// }
/// let buffer = writer.buffer
/// ```
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    private var needsComma = false
    private var afterKey = false

    init(capacity: Int = 512) {
        self.buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    var string: String { String(buffer: buffer) }

    // MARK: Structure

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        beginValue()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        buffer.writeInteger(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func array(_ body: (inout JSONWriter) -> Void) {
        beginValue()
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma = false
        body(&self)
        buffer.writeInteger(UInt8(ascii: "]"))
        needsComma = true
    }

    mutating func key(_ key: String) {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
        writeEscaped(key)
        buffer.writeInteger(UInt8(ascii: ":"))
        afterKey = true
        needsComma = false
    }

    // MARK: Values

    mutating func string(_ value: String) {
        beginValue()
        writeEscaped(value)
        needsComma = true
    }

    mutating func int(_ value: Int) {
        beginValue()
        buffer.writeString(String(value))
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        beginValue()
        buffer.writeString(value ? "true" : "false")
        needsComma = true
    }

    mutating func null() {
        beginValue()
        buffer.writeString("null")
        needsComma = true
    }

    /// Embeds bytes that are already one valid JSON value.
    mutating func rawJSON(_ bytes: some Sequence<UInt8>) {
        beginValue()
        buffer.writeBytes(bytes)
        needsComma = true
    }

    /// Ends a JSONL line; the next value starts a new top-level document.
    mutating func newline() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        needsComma = false
        afterKey = false
    }

    // MARK: Fields

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    mutating func field(_ name: String, _ value: Int?) {
        key(name)
        if let value { int(value) } else { null() }
    }

    mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    // MARK: Internals

    private mutating func beginValue() {
        if afterKey {
            afterKey = false
        } else if needsComma {
            buffer.writeInteger(UInt8(ascii: ","))
        }
    }

    private mutating func writeEscaped(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        let utf8 = value.utf8
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            buffer.writeString(value)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case 0..<0x20:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hex[Int(byte >> 4)])
                    buffer.writeInteger(hex[Int(byte & 0xF)])
                default: buffer.writeInteger(byte)
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
