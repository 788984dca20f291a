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
    /// block; with its CRLF).
    mutating func consume(line bytes: UnsafeRawBufferPointer) {
        var line = Substring(decoding: bytes, as: UTF8.self)
        while let last = line.last, last == "\r\n" || last == "\n" || last == "\r" {
            line = line.dropLast()
        }
        if line.isEmpty {
            return  // end of a header block
        }
        if line.hasPrefix("HTTP/") {
            fields.removeAll(keepingCapacity: true)  // a new response's block begins
            return
        }
        if let first = line.first, first == " " || first == "\t" {
            // obsolete line folding (RFC 9112 §5.2): continue the previous value
            if !fields.isEmpty {
                let continuation = Self.trimmed(line)
                fields[fields.count - 1].value +=
                    fields[fields.count - 1].value.isEmpty
                    ? continuation : " " + continuation
            }
            return
        }
        guard let colon = line.firstIndex(of: ":") else {
            return  // not a field line; ignore
        }
        let name = line[..<colon].lowercased()
        let value = Self.trimmed(line[line.index(after: colon)...])
        fields.append((name: name, value: value))
    }

    private static func trimmed(_ text: Substring) -> String {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
