import CCurl

extension TransportError {
    /// Maps a libcurl result code to a transport error.
    ///
    /// The message is libcurl's static text for the code (`curl_easy_strerror`), never the error buffer, so it
    /// cannot carry a URL (some providers put keys in the query string), a header value or a body.
    /// https://curl.se/libcurl/c/libcurl-errors.html
    /// - Parameters:
    ///   - code: the CURLcode returned by libcurl.
    ///   - context: what was being done, e.g. `"transfer"` or `"CURLOPT_URL"`.
    init(curl code: CURLcode, context: String) {
        let text = String(cString: curl_easy_strerror(code))
        self.init(Self.code(for: code), message: "\(context): \(text)", curlCode: Int(code.rawValue))
    }

    /// Maps a libcurl multi result code to a transport error (always `.other`: these mean the multi handle
    /// itself failed). https://curl.se/libcurl/c/libcurl-errors.html
    init(multi code: CURLMcode, context: String) {
        let text = String(cString: curl_multi_strerror(code))
        self.init(.other, message: "\(context): \(text)", curlCode: Int(code.rawValue))
    }

    /// The `Code` for a CURLcode:
    /// - `CURLE_OPERATION_TIMEDOUT` → `.timeout`
    /// - `CURLE_COULDNT_CONNECT`, `CURLE_COULDNT_RESOLVE_HOST` → `.connect`
    /// - `CURLE_RECV_ERROR`, `CURLE_SEND_ERROR`, `CURLE_GOT_NOTHING`, `CURLE_PARTIAL_FILE` → `.reset`
    /// - `CURLE_URL_MALFORMAT`, `CURLE_UNSUPPORTED_PROTOCOL`, `CURLE_BAD_FUNCTION_ARGUMENT` → `.malformed`
    /// - anything else → `.other`
    static func code(for curlCode: CURLcode) -> Code {
        switch curlCode {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
            return .connect
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return .reset
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return .malformed
        default:
            return .other
        }
    }
}
