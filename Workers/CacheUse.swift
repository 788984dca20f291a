package import Jobs

package import struct Foundation.Data

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

    /// Whether `decide` could answer anything but `.off` for a request with this raw body, so that the body need not
    /// be parsed when it could not: under `auto`, a chat completion is cached only with `"temperature"` in its body
    /// (a key spelled with `\u` escapes is not recognised, and such a request simply goes uncached).
    package static func mayApply(mode: CacheMode, endpoint: String, rawBody: Data) -> Bool {
        switch mode {
        case .bypass: return false
        case .refresh, .use: return true
        case .auto:
            switch endpoint {
            case "/v1/embeddings": return true
            case "/v1/chat/completions": return rawBody.range(of: Data(#""temperature""#.utf8)) != nil
            default: return false
            }
        }
    }
}
