package import Jobs

/// What the response cache does for one request, from the job's cache control and what it asks for. Pure.
package enum CacheUse: Sendable, Equatable {
    /// Neither looked up nor stored nor deduplicated: the request goes upstream on its own.
    case off
    /// Looked up first (a hit answers it), deduplicated with identical requests in flight, and its answer stored.
    case lookupAndStore
    /// Not looked up (the caller wants a fresh answer), but the answer replaces the stored one.
    case storeOnly

    /// The default (`auto`) caches what is deterministic enough to reuse: embeddings, and chat completions whose
    /// `temperature` is 0. Sampled chat (any other temperature, or none: the providers' default is 1) is not
    /// cached unless the job says `use`.
    ///
    /// - Parameters:
    ///   - mode: the job's `"cache"` control.
    ///   - endpoint: `/v1/chat/completions` or `/v1/embeddings`.
    ///   - body: the parsed request body.
    package static func decide(mode: CacheMode, endpoint: String, body: CanonicalJSON) -> CacheUse {
        switch mode {
        case .bypass: return .off
        case .refresh: return .storeOnly
        case .use: return .lookupAndStore
        case .auto:
            switch endpoint {
            case "/v1/embeddings": return .lookupAndStore
            case "/v1/chat/completions": return body["temperature"]?.isZero == true ? .lookupAndStore : .off
            default: return .off
            }
        }
    }
}
