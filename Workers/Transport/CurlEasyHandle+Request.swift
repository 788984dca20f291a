import CCurl
import Foundation

extension CurlEasyHandle {
    /// Sets every option for one request on a freshly created or reset handle.
    ///
    /// - Redirects are never followed (CURLOPT_FOLLOWLOCATION keeps its default, 0): a 3xx is an answer.
    /// - `request.resolve` pins host names to addresses (CURLOPT_RESOLVE); `request.allowsProxy == false` turns
    ///   off any proxy from the environment (CURLOPT_PROXY ""), which would resolve the name itself.
    /// - GET without a body uses CURLOPT_HTTPGET, HEAD uses CURLOPT_NOBODY; any request with a body (or a
    ///   POST without one) sends it with POSTFIELDSIZE + COPYPOSTFIELDS; methods other than GET/HEAD/POST
    ///   are set with CURLOPT_CUSTOMREQUEST.
    /// - An empty `Expect:` header stops libcurl from sending `Expect: 100-continue` for bodies over 1 KiB,
    ///   which would cost a round trip (or a one-second wait) per request.
    /// - Parameters:
    ///   - request: the request to send.
    ///   - id: the transfer's id, kept on the handle so completions and cancellations can find it.
    /// - Throws: `TransportError` when an option is rejected or a header is invalid.
    func prepare(for request: HTTPRequest, id: UInt64) throws {
        transferID = id
        try setNoSignal(true)
        try setPrivateToSelf()
        try setWriteCallbackToSelf()
        try setHeaderCallbackToSelf()
        try setProtocols("http,https")
        try setURL(request.url)
        try setTCPKeepAlive(true)
        try setTimeout(milliseconds: Self.milliseconds(request.timeout))
        try setConnectTimeout(milliseconds: Self.milliseconds(request.connectTimeout))
        if !request.resolve.isEmpty {
            let entries = CurlHeaderList()
            for entry in request.resolve {
                try entries.append(line: entry)
            }
            try setResolve(entries)
        }
        if !request.allowsProxy {
            try setProxy("")
        }

        let method = request.method.uppercased()
        switch (method, request.body) {
        case ("GET", nil):
            try setHTTPGet()
        case ("HEAD", nil):
            try setNoBody()
        default:
            if let body = request.body {
                try setCopyPostFields(body)
            } else if method == "POST" {
                try setCopyPostFields(Data())
            }
            if method != "POST" {
                try setCustomRequest(method)
            }
        }

        let list = CurlHeaderList()
        for header in request.headers {
            try list.append(name: header.name, value: header.value)
        }
        try list.append(name: "Expect", value: "")
        try setHTTPHeaders(list)
    }

    /// A duration in whole milliseconds, rounded up, at least 1 (0 would mean "no limit" to libcurl) and
    /// clamped to what fits.
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 1 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int.max }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        let (total, overflowAdding) = whole.addingReportingOverflow(fraction)
        if overflowAdding { return Int.max }
        return max(1, Int(clamping: total))
    }
}
