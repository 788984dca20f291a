package import Jobs
package import Logging
import Metrics
import Synchronization

package import struct Foundation.Data

/// Sluice's response cache, shared by every lane: the stored answers (in `JobStore`'s `cache` table) plus the
/// identical requests in flight right now, so that N identical jobs running at once make one upstream call.
///
/// Each lane runs it as its first admission step (``admission(for:)``), before tenant quotas and rate limits, so a
/// hit consumes neither. A hit is recorded at zero cost with what it saved (`Billing.cacheHit`).
///
/// ```swift
/// let cache = ResponseCache(store: store, configuration: .init(scope: .tenant, ttl: .seconds(86_400)), logger: l)
/// let pool = try WorkerPool(…, configuration: .init(admission: { provider in [cache.admission(for: provider)] }))
/// ```
package final class ResponseCache: Sendable {
    /// Tunables of the cache.
    package struct Configuration: Sendable, Equatable {
        /// Whose answers a request may be served.
        package enum Scope: String, Sendable, Equatable, CaseIterable {
            /// Only answers to the same tenant's requests (the tenant is part of the key). The default.
            case tenant
            /// Answers to any tenant's identical request.
            case global
        }

        /// Default lifetime of a stored answer: 24 hours.
        package static let defaultTTL: Duration = .seconds(86_400)

        /// Default `.tenant`: two tenants never see each other's answers.
        package var scope: Scope
        /// How long a stored answer is served (default 24 h).
        package var ttl: Duration

        package init(scope: Scope = .tenant, ttl: Duration = Configuration.defaultTTL) {
            precondition(ttl > .zero, "the cache's ttl must be positive")
            self.scope = scope
            self.ttl = ttl
        }
    }

    /// Counters of what the cache did since start.
    package struct Statistics: Sendable, Equatable {
        /// Requests answered from the store.
        package var storeHits = 0
        /// Requests answered with the outcome of an identical request in flight.
        package var inFlightHits = 0
        /// Cacheable requests that went upstream.
        package var misses = 0
        /// Answers stored.
        package var stored = 0

        package init() {}
    }

    /// How joining the flight of a key ended.
    enum FlightOutcome: Sendable {
        /// Nobody was in flight with the key: this attempt leads (it calls upstream, and settles the flight).
        case lead
        /// The leader's successful answer.
        case answered(JobResponse)
        /// The leader's attempt ended without a successful answer: join again (one follower becomes the leader).
        case retry
    }

    /// What `settle` must do for an admitted attempt.
    struct Pending: Sendable {
        var key: Data
        var leads: Bool
        var entryTenant: String
        var provider: String
        var model: String
    }

    struct State {
        var flights = InFlightTable<CheckedContinuation<FlightOutcome, any Error>>()
        var pending: [JobLease: Pending] = [:]
        var nextWaiterID = 0
        var statistics = Statistics()
    }

    package let configuration: Configuration
    let store: JobStore
    let logger: Logger
    let state = Mutex(State())

    package init(store: JobStore, configuration: Configuration = Configuration(), logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// The admission step of `provider`'s lane.
    package func admission(for provider: ProviderConfiguration) -> ResponseCacheAdmission {
        ResponseCacheAdmission(
            cache: self,
            family: provider.kind,
            misses: Counter(label: MetricName.cacheMisses, dimensions: [("provider", provider.name)])
        )
    }

    /// What the cache did so far.
    package var statistics: Statistics { state.withLock { $0.statistics } }

    /// How many distinct requests are in flight as leaders right now.
    package var flightsInProgress: Int { state.withLock { $0.flights.count } }

    /// How many attempts wait on the flight of `key`.
    package func waiting(on key: Data) -> Int { state.withLock { $0.flights.waiting(on: key) } }

    /// The key of `job`'s request, and what the cache does with it; nil when the cache stays out of the way (a
    /// `bypass`, sampled chat, or a body that is not canonical JSON).
    func plan(for job: ClaimedJob, family: ProviderConfiguration.Kind) -> (key: Data, use: CacheUse)? {
        guard CacheUse.mayApply(mode: job.cache, endpoint: job.endpoint, rawBody: job.body),
            let body = try? CanonicalJSON(parsing: Array(job.body))
        else { return nil }
        let use = CacheUse.decide(mode: job.cache, endpoint: job.endpoint, body: body)
        guard use != .off else { return nil }
        let fingerprint = RequestFingerprint(
            family: family,
            model: job.model,
            endpoint: job.endpoint,
            body: body,
            tenant: configuration.scope == .tenant ? job.tenant : nil
        )
        return (fingerprint.key, use)
    }

    /// Joins the flight of `key`: returns `.lead` at once when nobody is in flight with it, otherwise waits for
    /// the leader's outcome. Cancelling the calling task ends the wait with `CancellationError`.
    func joinFlight(_ key: Data, ticket: JobLease) async throws -> FlightOutcome {
        let waiterID = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<FlightOutcome, any Error>) in
                let immediate = state.withLock { state -> Result<FlightOutcome, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    switch state.flights.arrive(key, ticket: ticket, waiterID: waiterID, waiter: continuation) {
                    case .lead: return .success(.lead)
                    case .follow: return nil
                    }
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.flights.leave(key, waiterID: waiterID) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Ends the flight `ticket` leads, handing its followers `response` (or telling them to try again).
    func finishFlight(_ key: Data, ticket: JobLease, response: JobResponse?) {
        let waiters = state.withLock { state in
            let waiters = state.flights.finish(key, ticket: ticket)
            if response != nil { state.statistics.inFlightHits += waiters.count }
            return waiters
        }
        let outcome: FlightOutcome = response.map { .answered($0) } ?? .retry
        for waiter in waiters { waiter.resume(returning: outcome) }
    }
}
