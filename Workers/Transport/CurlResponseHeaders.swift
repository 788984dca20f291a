/// Collects response header fields from libcurl's header callback, one raw line at a time.
///
/// libcurl calls the header callback "for each header line of all responses received", including the
/// blocks of interim responses (`100 Continue`, a proxy's `200 Connection established`, redirects when
/// followed). Each block starts with a status line, so a new status line drops the fields collected so far
/// and only the final response's fields remain. https://curl.se/libcurl/c/CURLOPT_HEADERFUNCTION.html
struct CurlResponseHeaders: Sendable {
    /// The fields of the latest header block, names lower-cased, values trimmed, in arrival order.
    private(set) var fields: [(name: String, value: String)] = []

    init() {}

    /// Consumes one header line as libcurl delivers it (status line, field, or the empty line ending the
    /// block; with its CRLF). Works on the bytes: header lines are ASCII framing, and `Character`-level
    /// `Substring` operations (grapheme breaking) cost about 3% of the server's CPU in the zero-latency pipeline
    /// (`Scripts/bench --profile`).
    mutating func consume(line bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == Self.cr || bytes[end - 1] == Self.lf { end -= 1 }
        if end == 0 {
            return  // end of a header block
        }
        let line = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
        if line.starts(with: Self.statusPrefix) {
            fields.removeAll(keepingCapacity: true)  // a new response's block begins
            return
        }
        if line[0] == Self.space || line[0] == Self.tab {
            // obsolete line folding (RFC 9112 §5.2): continue the previous value
            if !fields.isEmpty {
                let continuation = Self.trimmed(line, from: 0, to: line.count)
                fields[fields.count - 1].value +=
                    fields[fields.count - 1].value.isEmpty
                    ? continuation : " " + continuation
            }
            return
        }
        guard let colon = line.firstIndex(of: Self.colon) else {
            return  // not a field line; ignore
        }
        let name = String(unsafeUninitializedCapacity: colon) { buffer in
            for index in 0..<colon {
                let byte = line[index]
                buffer[index] = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte  // ASCII lower-case
            }
            return colon
        }
        fields.append((name: name, value: Self.trimmed(line, from: colon + 1, to: line.count)))
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let colon = UInt8(ascii: ":")
    private static let statusPrefix = Array("HTTP/".utf8)

    /// The bytes `line[from..<to]` without leading and trailing spaces and tabs, decoded as UTF-8.
    private static func trimmed(_ line: UnsafeRawBufferPointer, from: Int, to: Int) -> String {
        var start = from
        var end = to
        while start < end, line[start] == space || line[start] == tab { start += 1 }
        while end > start, line[end - 1] == space || line[end - 1] == tab { end -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
    }
}
