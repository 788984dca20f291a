import CCurl
import Testing

@testable import Workers

/// Pure pieces of the transport: header collection, error mapping, timeout conversion.
@Suite struct CurlTransportParsingTests {
    @Test func consume_whenInterimResponseBlockPrecedes_keepsOnlyFinalResponseHeaders() {
        var headers = CurlResponseHeaders()
        for line in [
            "HTTP/1.1 100 Continue\r\n", "X-Interim: 1\r\n", "\r\n",
            "HTTP/1.1 200 OK\r\n", "Content-Type: application/json\r\n", "X-Request-ID: abc\r\n", "\r\n",
        ] {
            feed(line, to: &headers)
        }
        #expect(headers.fields.map(\.name) == ["content-type", "x-request-id"])
        #expect(headers.fields.map(\.value) == ["application/json", "abc"])
    }

    @Test func consume_whenValuesPaddedOrFolded_trimsAndJoins() {
        var headers = CurlResponseHeaders()
        for line in ["HTTP/2 200\r\n", "Retry-After:   12  \r\n", "X-Long: one\r\n", "\ttwo\r\n", "\r\n"] {
            feed(line, to: &headers)
        }
        #expect(headers.fields.map(\.name) == ["retry-after", "x-long"])
        #expect(headers.fields.map(\.value) == ["12", "one two"])
    }

    @Test func consume_whenNamesMixedCaseOrLinesMalformed_lowercasesNamesAndSkipsNonFields() {
        var headers = CurlResponseHeaders()
        for line in [
            "HTTP/1.1 429 Too Many Requests\r\n", "X-RateLimit-Remaining-Requests:0\r\n", "garbage without colon\r\n",
            "X-Note: caf\u{E9} \t\r\n", "Empty:\r\n", "\n",
        ] {
            feed(line, to: &headers)
        }
        #expect(headers.fields.map(\.name) == ["x-ratelimit-remaining-requests", "x-note", "empty"])
        #expect(headers.fields.map(\.value) == ["0", "caf\u{E9}", ""])
    }

    @Test func code_whenCurlFails_mapsToTransportCodes() {
        #expect(TransportError.code(for: CURLE_OPERATION_TIMEDOUT) == .timeout)
        #expect(TransportError.code(for: CURLE_COULDNT_CONNECT) == .connect)
        #expect(TransportError.code(for: CURLE_COULDNT_RESOLVE_HOST) == .connect)
        #expect(TransportError.code(for: CURLE_RECV_ERROR) == .reset)
        #expect(TransportError.code(for: CURLE_SEND_ERROR) == .reset)
        #expect(TransportError.code(for: CURLE_GOT_NOTHING) == .reset)
        #expect(TransportError.code(for: CURLE_PARTIAL_FILE) == .reset)
        #expect(TransportError.code(for: CURLE_URL_MALFORMAT) == .malformed)
        #expect(TransportError.code(for: CURLE_SSL_CONNECT_ERROR) == .other)
    }

    @Test func milliseconds_whenFractional_roundsUpAndNeverReturnsZero() {
        #expect(CurlEasyHandle.milliseconds(.seconds(2)) == 2000)
        #expect(CurlEasyHandle.milliseconds(.microseconds(1500)) == 2)
        #expect(CurlEasyHandle.milliseconds(.zero) == 1)
        #expect(CurlEasyHandle.milliseconds(.seconds(-5)) == 1)
        #expect(CurlEasyHandle.milliseconds(.seconds(Int64.max)) == Int.max)
    }

    private func feed(_ line: String, to headers: inout CurlResponseHeaders) {
        var line = line
        line.withUTF8 { headers.consume(line: UnsafeRawBufferPointer($0)) }
    }
}
