import CCurl

/// An owned `curl_slist` of request header lines, freed in `deinit`.
///
/// libcurl does not copy the list: "The linked list must stay alive until the transfer is done"
/// (https://curl.se/libcurl/c/CURLOPT_HTTPHEADER.html), so the easy handle keeps it until it is reset.
final class CurlHeaderList {
    private(set) var raw: UnsafeMutablePointer<curl_slist>?

    init() {}

    deinit {
        curl_slist_free_all(raw)
    }

    /// Appends a `Name: value` line. An empty value with a bare `Name:` removes a header libcurl would add
    /// itself (used for `Expect:`).
    ///
    /// - Parameters:
    ///   - name: the field name; must be a token (no colon, whitespace, CR, LF or NUL).
    ///   - value: the field value; must not contain CR, LF or NUL (no header injection).
    /// - Throws: `TransportError(.malformed)` for an invalid field, `.other` when libcurl is out of memory.
    /// - SeeAlso: https://curl.se/libcurl/c/curl_slist_append.html
    func append(name: String, value: String) throws {
        guard Self.isValidName(name) else {
            throw TransportError(.malformed, message: "invalid request header name")
        }
        guard Self.isValidValue(value) else {
            throw TransportError(.malformed, message: "invalid request header value")
        }
        let line = value.isEmpty ? "\(name):" : "\(name): \(value)"
        // "A pointer to the new list on success, NULL on failure. The old list is not affected on failure."
        guard let appended = curl_slist_append(raw, line) else {
            throw TransportError(.other, message: "curl_slist_append: out of memory")
        }
        raw = appended
    }

    /// Appends a raw line (a CURLOPT_RESOLVE entry); it must not contain CR, LF or NUL.
    /// - Throws: `TransportError(.malformed)` for an invalid line, `.other` when libcurl is out of memory.
    func append(line: String) throws {
        guard Self.isValidValue(line), !line.isEmpty else {
            throw TransportError(.malformed, message: "invalid list entry")
        }
        guard let appended = curl_slist_append(raw, line) else {
            throw TransportError(.other, message: "curl_slist_append: out of memory")
        }
        raw = appended
    }

    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ":")
            }
    }

    private static func isValidValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { byte in
            byte != UInt8(ascii: "\r") && byte != UInt8(ascii: "\n") && byte != 0
        }
    }
}

@available(*, unavailable)
extension CurlHeaderList: Sendable {}
