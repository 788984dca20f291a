import Synchronization

/// Counters of what the mock served, cheap enough for 10k+ requests a second (one short lock per request).
///
/// `requests` and `byPath` count every answered request to a provider route (`/v1/chat/completions`,
/// `/v1/embeddings`), whatever its status; `errors` counts those answered with a non-2xx status, and
/// `rateLimited` the 429s among them. `models` counts only successful answers, with their tokens.
/// `inFlight` is a gauge of provider requests being handled right now; `delayed` counts answers that waited
/// a configured latency; `faults` counts deliberate failures (`MockProviderConfiguration.Faults`), which are
/// also in `errors` except `garbage` (a 200). Paths the mock does not serve are not counted.
package final class MockProviderStats: Sendable {
    /// Usage served for one model.
    package struct ModelUsage: Sendable, Equatable, Codable {
        package var requests = 0
        package var promptTokens = 0
        package var completionTokens = 0

        package init(requests: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0) {
            self.requests = requests
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
        }

        private enum CodingKeys: String, CodingKey {
            case requests
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    /// A copy of the counters at one moment; also the JSON of `GET /_mock/stats`.
    package struct Snapshot: Sendable, Equatable, Codable {
        package var requests = 0
        package var byPath: [String: Int] = [:]
        package var rateLimited = 0
        package var errors = 0
        package var inFlight = 0
        package var delayed = 0
        package var faults = 0
        package var models: [String: ModelUsage] = [:]

        package init() {}

        private enum CodingKeys: String, CodingKey {
            case requests
            case byPath = "by_path"
            case rateLimited = "rate_limited"
            case errors
            case inFlight = "in_flight"
            case delayed, faults, models
        }
    }

    private let state = Mutex(Snapshot())

    package init() {}

    /// The counters right now.
    package var snapshot: Snapshot { state.withLock { $0 } }

    /// Zeroes every counter except the `inFlight` gauge, which keeps tracking requests still being handled.
    package func reset() {
        state.withLock { snapshot in
            let inFlight = snapshot.inFlight
            snapshot = Snapshot()
            snapshot.inFlight = inFlight
        }
    }

    func requestStarted() {
        state.withLock { $0.inFlight += 1 }
    }

    func faultInjected() {
        state.withLock { $0.faults += 1 }
    }

    func requestDelayed() {
        state.withLock { $0.delayed += 1 }
    }

    /// Records one answered provider request; `usage` is the model's usage when the answer was a success.
    func requestFinished(
        path: String,
        status: Int,
        model: String?,
        promptTokens: Int = 0,
        completionTokens: Int = 0
    ) {
        state.withLock { snapshot in
            snapshot.inFlight -= 1
            snapshot.requests += 1
            snapshot.byPath[path, default: 0] += 1
            if status == 429 { snapshot.rateLimited += 1 }
            if !(200..<300).contains(status) {
                snapshot.errors += 1
            } else if let model {
                snapshot.models[model, default: ModelUsage()].requests += 1
                snapshot.models[model, default: ModelUsage()].promptTokens += promptTokens
                snapshot.models[model, default: ModelUsage()].completionTokens += completionTokens
            }
        }
    }
}
