import CCurl

/// libcurl's process-wide initialisation, done exactly once.
///
/// "This function must be called at least once within a program before the program calls any other
/// function in libcurl" and it is not thread-safe on every build, so it runs through a `static let`
/// (swift_once). https://curl.se/libcurl/c/curl_global_init.html
enum CurlGlobal {
    /// The result of `curl_global_init(CURL_GLOBAL_ALL)`, computed on first use.
    private static let initResult: CURLcode = sluice_curl_global_init_all()

    /// Initialises libcurl once per process.
    /// - Throws: `TransportError` with code `.other` when `curl_global_init` failed.
    static func ensureInitialized() throws {
        guard initResult == CURLE_OK else {
            throw TransportError(curl: initResult, context: "curl_global_init")
        }
    }
}
