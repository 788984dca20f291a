import CCurl

/// An owned libcurl multi handle (`CURLM *`), freed in `deinit`.
///
/// Confined to the transport's loop thread, except for `CurlMultiWakeup`, which carries the one call
/// libcurl allows from other threads. The multi handle owns the connection cache, so connections are
/// reused across easy handles and transfers. https://curl.se/libcurl/c/libcurl-multi.html
final class CurlMultiHandle {
    /// The `CURLM *` (`typedef void`, hence a raw pointer).
    let raw: UnsafeMutableRawPointer

    /// Creates a multi handle.
    /// - Throws: `TransportError(.other)` when `curl_multi_init` returns NULL.
    /// - SeeAlso: https://curl.se/libcurl/c/curl_multi_init.html
    init() throws {
        guard let raw = curl_multi_init() else {
            throw TransportError(.other, message: "curl_multi_init failed")
        }
        self.raw = raw
    }

    deinit {
        // "Cleans up and removes a whole multi stack. It does not free or touch any individual easy handles";
        // the loop removes them first. https://curl.se/libcurl/c/curl_multi_cleanup.html
        curl_multi_cleanup(raw)
    }

    /// The handle other threads may use to interrupt `poll`.
    var wakeup: CurlMultiWakeup { CurlMultiWakeup(raw: raw) }

    /// Size of the connection cache kept after transfers complete.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLMOPT_MAXCONNECTS.html
    func setMaxConnects(_ value: Int) throws {
        try check(sluice_curl_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, value), "CURLMOPT_MAXCONNECTS")
    }

    /// Maximum simultaneous connections to one host (0 = no limit). Transfers over the limit wait in
    /// libcurl's pending queue; that wait counts against their CURLOPT_TIMEOUT_MS.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLMOPT_MAX_HOST_CONNECTIONS.html
    func setMaxHostConnections(_ value: Int) throws {
        try check(
            sluice_curl_multi_setopt_long(raw, CURLMOPT_MAX_HOST_CONNECTIONS, value),
            "CURLMOPT_MAX_HOST_CONNECTIONS"
        )
    }

    /// Maximum simultaneous connections in total (0 = no limit).
    /// - SeeAlso: https://curl.se/libcurl/c/CURLMOPT_MAX_TOTAL_CONNECTIONS.html
    func setMaxTotalConnections(_ value: Int) throws {
        try check(
            sluice_curl_multi_setopt_long(raw, CURLMOPT_MAX_TOTAL_CONNECTIONS, value),
            "CURLMOPT_MAX_TOTAL_CONNECTIONS"
        )
    }

    /// Adds an easy handle; its transfer starts on the next `perform`.
    /// - SeeAlso: https://curl.se/libcurl/c/curl_multi_add_handle.html
    func add(_ easy: CurlEasyHandle) throws {
        try check(curl_multi_add_handle(raw, easy.raw), "curl_multi_add_handle")
    }

    /// Removes an easy handle, finished or not (removing a running one aborts its transfer).
    /// - SeeAlso: https://curl.se/libcurl/c/curl_multi_remove_handle.html
    func remove(_ easy: CurlEasyHandle) throws {
        try check(curl_multi_remove_handle(raw, easy.raw), "curl_multi_remove_handle")
    }

    /// Drives every transfer as far as it can go without blocking.
    /// - Returns: the number of transfers still running.
    /// - SeeAlso: https://curl.se/libcurl/c/curl_multi_perform.html
    @discardableResult
    func perform() throws -> Int32 {
        var running: Int32 = 0
        try check(curl_multi_perform(raw, &running), "curl_multi_perform")
        return running
    }

    /// Waits for activity on any transfer, an internal timeout, or `curl_multi_wakeup`, at most `timeoutMilliseconds`.
    /// - SeeAlso: https://curl.se/libcurl/c/curl_multi_poll.html
    func poll(timeoutMilliseconds: Int32) throws {
        var descriptors: Int32 = 0
        try check(curl_multi_poll(raw, nil, 0, timeoutMilliseconds, &descriptors), "curl_multi_poll")
    }

    /// The next finished transfer, if any: the raw easy handle and its result. Other message kinds are skipped.
    /// - SeeAlso: https://curl.se/libcurl/c/curl_multi_info_read.html
    func nextDone() -> (easy: UnsafeMutableRawPointer, result: CURLcode)? {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(raw, &remaining) {
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                return (easy, sluice_curl_msg_result(message))
            }
        }
        return nil
    }

    private func check(_ code: CURLMcode, _ context: String) throws {
        guard code == CURLM_OK else {
            throw TransportError(multi: code, context: context)
        }
    }
}

@available(*, unavailable)
extension CurlMultiHandle: Sendable {}

/// The one multi-handle operation other threads may call: "This function can be called from any thread"
/// (https://curl.se/libcurl/c/curl_multi_wakeup.html).
///
/// `@unchecked Sendable` because the pointer must stay valid: the only copy other threads can reach lives
/// in `CurlMailbox`'s mutex-protected state, `wake()` is only called while holding that mutex, and the loop
/// clears it (under the same mutex) before the multi handle is cleaned up.
struct CurlMultiWakeup: @unchecked Sendable {
    fileprivate let raw: UnsafeMutableRawPointer

    /// Makes a blocked or the next `curl_multi_poll` return at once. Fails only for a bad handle.
    func wake() {
        _ = curl_multi_wakeup(raw)
    }
}
