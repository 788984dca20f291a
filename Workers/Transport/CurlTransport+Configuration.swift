extension CurlTransport {
    /// Connection limits and handle pooling for a `CurlTransport`. Every value has a documented default.
    package struct Configuration: Sendable {
        /// Default for `maxConnections`: idle connections kept in the cache.
        package static let defaultMaxConnections = 512
        /// Default for `maxHostConnections`: enough for hundreds of concurrent HTTP/1.1 calls to one provider
        /// while staying well under a 1024 file-descriptor limit.
        package static let defaultMaxHostConnections = 512
        /// Default for `maxTotalConnections`: no limit beyond the per-host one.
        package static let defaultMaxTotalConnections = 0
        /// Default for `maxIdleHandles`.
        package static let defaultMaxIdleHandles = 512

        /// Size of the multi handle's connection cache (CURLMOPT_MAXCONNECTS): how many connections stay
        /// open for reuse after their transfers complete. https://curl.se/libcurl/c/CURLMOPT_MAXCONNECTS.html
        package var maxConnections: Int
        /// Simultaneous connections to one host (CURLMOPT_MAX_HOST_CONNECTIONS), 0 for no limit. Transfers
        /// beyond it wait inside libcurl for a free connection, and that wait counts against their timeout.
        /// https://curl.se/libcurl/c/CURLMOPT_MAX_HOST_CONNECTIONS.html
        package var maxHostConnections: Int
        /// Simultaneous connections overall (CURLMOPT_MAX_TOTAL_CONNECTIONS), 0 for no limit.
        /// https://curl.se/libcurl/c/CURLMOPT_MAX_TOTAL_CONNECTIONS.html
        package var maxTotalConnections: Int
        /// Reset easy handles kept for reuse; more are created on demand and freed when done.
        package var maxIdleHandles: Int

        /// - Parameters:
        ///   - maxConnections: connection cache size (default 512).
        ///   - maxHostConnections: per-host connection limit, 0 for none (default 512).
        ///   - maxTotalConnections: overall connection limit, 0 for none (default 0).
        ///   - maxIdleHandles: easy handles kept for reuse (default 512).
        package init(
            maxConnections: Int = defaultMaxConnections,
            maxHostConnections: Int = defaultMaxHostConnections,
            maxTotalConnections: Int = defaultMaxTotalConnections,
            maxIdleHandles: Int = defaultMaxIdleHandles
        ) {
            precondition(maxConnections > 0, "maxConnections must be positive")
            precondition(maxHostConnections >= 0, "maxHostConnections must not be negative")
            precondition(maxTotalConnections >= 0, "maxTotalConnections must not be negative")
            precondition(maxIdleHandles >= 0, "maxIdleHandles must not be negative")
            self.maxConnections = maxConnections
            self.maxHostConnections = maxHostConnections
            self.maxTotalConnections = maxTotalConnections
            self.maxIdleHandles = maxIdleHandles
        }
    }
}
