import CCurl
import Foundation

/// An owned libcurl easy handle (`CURL *`) plus the response it is collecting, freed in `deinit`.
///
/// Confined to the transport's loop thread (see `CurlLoop`): it is not `Sendable`. The handle is reused
/// for many transfers: after each one it is removed from the multi handle and `reset()`, which keeps
/// "live connections, the Session ID cache, the DNS cache, the cookies, the shares or the alt-svc cache"
/// (https://curl.se/libcurl/c/curl_easy_reset.html); the connections themselves live in the multi
/// handle's connection cache.
final class CurlEasyHandle {
    /// The `CURL *`. `CURL` is `typedef void`, so this is a raw pointer.
    let raw: UnsafeMutableRawPointer
    /// The transfer this handle is running, if any.
    var transferID: UInt64?
    /// Request header lines; must outlive the transfer (CURLOPT_HTTPHEADER does not copy).
    var headerList: CurlHeaderList?
    /// CURLOPT_RESOLVE entries; must outlive the transfer (libcurl does not copy the list).
    var resolveList: CurlHeaderList?
    /// Header fields of the final response, collected by the header callback.
    var responseHeaders = CurlResponseHeaders()
    /// Body bytes, collected by the write callback.
    var responseBody = Data()
    /// The largest response body kept (64 MiB); a larger one aborts the transfer. LLM answers are far smaller.
    static let maxResponseBytes = 64 * 1024 * 1024

    /// Creates an easy handle.
    /// - Throws: `TransportError(.other)` when `curl_easy_init` returns NULL.
    /// - SeeAlso: https://curl.se/libcurl/c/curl_easy_init.html
    init() throws {
        guard let raw = curl_easy_init() else {
            throw TransportError(.other, message: "curl_easy_init failed")
        }
        self.raw = raw
    }

    deinit {
        curl_easy_cleanup(raw)
    }

    /// Resets every option to its default and forgets the last response, keeping the handle's caches.
    /// The header list is freed only after `curl_easy_reset`, when libcurl no longer refers to it.
    /// - SeeAlso: https://curl.se/libcurl/c/curl_easy_reset.html
    func reset() {
        curl_easy_reset(raw)
        transferID = nil
        headerList = nil
        resolveList = nil
        responseHeaders = CurlResponseHeaders()
        responseBody = Data()
    }

    /// Takes the collected response, leaving the handle's buffers empty.
    /// - Parameter status: the response code read with `responseCode()`.
    func takeResponse(status: Int) -> HTTPResponse {
        let response = HTTPResponse(status: status, headers: responseHeaders.fields, body: responseBody)
        responseHeaders = CurlResponseHeaders()
        responseBody = Data()
        return response
    }

    /// The easy handle stored with `setPrivate(self)`, found from the raw `CURL *` libcurl hands back.
    /// The caller must keep the handle alive (the loop's table of active transfers does).
    /// - SeeAlso: https://curl.se/libcurl/c/CURLINFO_PRIVATE.html
    static func owner(of raw: UnsafeMutableRawPointer) throws -> CurlEasyHandle {
        var pointer: UnsafeMutableRawPointer?
        let code = sluice_curl_easy_getinfo_private(raw, &pointer)
        guard code == CURLE_OK, let pointer else {
            throw TransportError(curl: code, context: "CURLINFO_PRIVATE")
        }
        return Unmanaged<CurlEasyHandle>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// The last response code received. https://curl.se/libcurl/c/CURLINFO_RESPONSE_CODE.html
    func responseCode() throws -> Int {
        var value = 0
        try check(sluice_curl_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &value), "CURLINFO_RESPONSE_CODE")
        return value
    }

    /// Throws a `TransportError` unless `code` is `CURLE_OK`.
    func check(_ code: CURLcode, _ context: @autoclosure () -> String) throws {
        guard code == CURLE_OK else {
            throw TransportError(curl: code, context: context())
        }
    }
}

@available(*, unavailable)
extension CurlEasyHandle: Sendable {}
