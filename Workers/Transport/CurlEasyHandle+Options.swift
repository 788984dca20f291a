import CCurl
import Foundation

/// One method per libcurl option the transport uses. Each checks libcurl's return code.
extension CurlEasyHandle {
    /// Disables signals (no SIGALRM for DNS timeouts); mandatory when libcurl runs on threads.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_NOSIGNAL.html
    func setNoSignal(_ enabled: Bool) throws {
        try check(sluice_curl_easy_setopt_long(raw, CURLOPT_NOSIGNAL, enabled ? 1 : 0), "CURLOPT_NOSIGNAL")
    }

    /// The URL to fetch; libcurl copies the string.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_URL.html
    func setURL(_ url: String) throws {
        try check(sluice_curl_easy_setopt_string(raw, CURLOPT_URL, url), "CURLOPT_URL")
    }

    /// Restricts the schemes libcurl may use (here `http,https`: no `file://` or other surprises).
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_PROTOCOLS_STR.html
    func setProtocols(_ list: String) throws {
        try check(sluice_curl_easy_setopt_string(raw, CURLOPT_PROTOCOLS_STR, list), "CURLOPT_PROTOCOLS_STR")
    }

    /// Sets the proxy; an empty string means no proxy at all, not even one named by `http_proxy` / `https_proxy`
    /// in the environment.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_PROXY.html
    func setProxy(_ proxy: String) throws {
        try check(sluice_curl_easy_setopt_string(raw, CURLOPT_PROXY, proxy), "CURLOPT_PROXY")
    }

    /// Makes the request a GET (the default after a reset, set explicitly for clarity).
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_HTTPGET.html
    func setHTTPGet() throws {
        try check(sluice_curl_easy_setopt_long(raw, CURLOPT_HTTPGET, 1), "CURLOPT_HTTPGET")
    }

    /// Asks for the head only (HEAD requests).
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_NOBODY.html
    func setNoBody() throws {
        try check(sluice_curl_easy_setopt_long(raw, CURLOPT_NOBODY, 1), "CURLOPT_NOBODY")
    }

    /// Replaces the method libcurl would send (e.g. `PUT`, `DELETE`, `PATCH`); libcurl copies the string.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_CUSTOMREQUEST.html
    func setCustomRequest(_ method: String) throws {
        try check(sluice_curl_easy_setopt_string(raw, CURLOPT_CUSTOMREQUEST, method), "CURLOPT_CUSTOMREQUEST")
    }

    /// The request body, copied by libcurl (so Swift storage need not outlive the transfer). Sets
    /// CURLOPT_POSTFIELDSIZE_LARGE first: "If you want to use POSTFIELDSIZE, set it before
    /// CURLOPT_COPYPOSTFIELDS", otherwise libcurl runs strlen on binary data. Makes the request a POST.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_POSTFIELDSIZE_LARGE.html,
    ///   https://curl.se/libcurl/c/CURLOPT_COPYPOSTFIELDS.html
    func setCopyPostFields(_ body: Data) throws {
        try check(
            sluice_curl_easy_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)),
            "CURLOPT_POSTFIELDSIZE_LARGE"
        )
        let code = body.withUnsafeBytes { buffer -> CURLcode in
            if let base = buffer.baseAddress {
                return sluice_curl_easy_setopt_ptr(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
            }
            return sluice_curl_easy_setopt_string(raw, CURLOPT_COPYPOSTFIELDS, "")  // empty body
        }
        try check(code, "CURLOPT_COPYPOSTFIELDS")
    }

    /// Request header lines. The list must stay alive until the transfer is done, so the handle keeps it.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_HTTPHEADER.html
    func setHTTPHeaders(_ list: CurlHeaderList) throws {
        try check(sluice_curl_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list.raw), "CURLOPT_HTTPHEADER")
        headerList = list
    }

    /// Pinned resolutions (`host:port:address[,address]`) that populate the DNS cache for this transfer, so the
    /// connection goes to addresses checked beforehand. "libcurl does not copy the list, it needs to be kept
    /// around until after the transfer has completed", so the handle keeps it.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_RESOLVE.html
    func setResolve(_ list: CurlHeaderList) throws {
        try check(sluice_curl_easy_setopt_slist(raw, CURLOPT_RESOLVE, list.raw), "CURLOPT_RESOLVE")
        resolveList = list
    }

    /// Limit on the whole transfer, in milliseconds (includes time waiting for a pooled connection).
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_TIMEOUT_MS.html
    func setTimeout(milliseconds: Int) throws {
        try check(sluice_curl_easy_setopt_long(raw, CURLOPT_TIMEOUT_MS, milliseconds), "CURLOPT_TIMEOUT_MS")
    }

    /// Limit on the connect phase (DNS, TCP, TLS), in milliseconds.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_CONNECTTIMEOUT_MS.html
    func setConnectTimeout(milliseconds: Int) throws {
        try check(
            sluice_curl_easy_setopt_long(raw, CURLOPT_CONNECTTIMEOUT_MS, milliseconds),
            "CURLOPT_CONNECTTIMEOUT_MS"
        )
    }

    /// TCP keep-alive probes, so idle pooled connections and long LLM calls survive middleboxes.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_TCP_KEEPALIVE.html
    func setTCPKeepAlive(_ enabled: Bool) throws {
        try check(sluice_curl_easy_setopt_long(raw, CURLOPT_TCP_KEEPALIVE, enabled ? 1 : 0), "CURLOPT_TCP_KEEPALIVE")
    }

    /// Stores `self` (unretained) as the handle's private pointer, read back with `owner(of:)`.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_PRIVATE.html
    func setPrivateToSelf() throws {
        let pointer = Unmanaged.passUnretained(self).toOpaque()
        try check(sluice_curl_easy_setopt_ptr(raw, CURLOPT_PRIVATE, pointer), "CURLOPT_PRIVATE")
    }

    /// Routes body bytes to `responseBody` through a C callback; userdata is `self` (unretained).
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_WRITEFUNCTION.html,
    ///   https://curl.se/libcurl/c/CURLOPT_WRITEDATA.html
    func setWriteCallbackToSelf() throws {
        try check(
            sluice_curl_easy_setopt_write_function(raw, CURLOPT_WRITEFUNCTION, curlWriteCallback),
            "CURLOPT_WRITEFUNCTION"
        )
        let pointer = Unmanaged.passUnretained(self).toOpaque()
        try check(sluice_curl_easy_setopt_ptr(raw, CURLOPT_WRITEDATA, pointer), "CURLOPT_WRITEDATA")
    }

    /// Routes header lines to `responseHeaders` through a C callback; userdata is `self` (unretained).
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_HEADERFUNCTION.html,
    ///   https://curl.se/libcurl/c/CURLOPT_HEADERDATA.html
    func setHeaderCallbackToSelf() throws {
        try check(sluice_curl_easy_setopt_header_function(raw, curlHeaderCallback), "CURLOPT_HEADERFUNCTION")
        let pointer = Unmanaged.passUnretained(self).toOpaque()
        try check(sluice_curl_easy_setopt_ptr(raw, CURLOPT_HEADERDATA, pointer), "CURLOPT_HEADERDATA")
    }
}

/// CURLOPT_WRITEFUNCTION: "Your callback should return the number of bytes actually taken care of."
/// Runs on the loop thread inside `curl_multi_perform`, while the handle is alive in the active table.
private let curlWriteCallback: sluice_curl_write_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let length = size * count
    let handle = Unmanaged<CurlEasyHandle>.fromOpaque(userdata).takeUnretainedValue()
    // A broken or hostile upstream must not exhaust memory: past the cap, returning a short count makes libcurl
    // abort the transfer with CURLE_WRITE_ERROR (a retryable transport failure for the worker).
    guard handle.responseBody.count + length <= CurlEasyHandle.maxResponseBytes else { return 0 }
    if let pointer, length > 0 {
        handle.responseBody.append(UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
    }
    return length
}

/// CURLOPT_HEADERFUNCTION: called once per complete header line, CRLF included.
private let curlHeaderCallback: sluice_curl_header_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let length = size * count
    let handle = Unmanaged<CurlEasyHandle>.fromOpaque(userdata).takeUnretainedValue()
    if let pointer, length > 0 {
        handle.responseHeaders.consume(line: UnsafeRawBufferPointer(start: pointer, count: length))
    }
    return length
}
