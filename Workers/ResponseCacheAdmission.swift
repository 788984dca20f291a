import CoreMetrics
import Jobs
import Logging
import Metrics
import Synchronization

import struct Foundation.Data
import struct Foundation.Date

/// The response cache as a lane's first admission step (see ``ResponseCache``).
///
/// `admit`, for a request the cache handles (``CacheUse``):
/// 1. `lookupAndStore`: the attempt joins the in-flight table. The first identical request leads; the others
///    wait for its outcome and are answered from it. When the leader ends without a successful answer, the
///    followers join again, so one of them leads the next call.
/// 2. The leader looks the fingerprint up: a stored, unexpired answer answers it and its followers (`.answered`,
///    recorded at zero cost with what it saved); otherwise it is admitted and goes upstream.
/// 3. `storeOnly` (`"cache": "refresh"`) skips the lookup and never waits: it leads when it can, and goes
///    upstream regardless.
///
/// `settle` stores a successful (2xx) answer under the key, with the configured TTL, then releases the followers.
///
/// ```swift
/// let cache = ResponseCache(store: store, logger: logger)
/// WorkerPool.Configuration(admission: { provider in [cache.admission(for: provider)] + quotaSteps })
/// ```
package struct ResponseCacheAdmission: JobAdmission {
    let cache: ResponseCache
    /// The lane's wire format, part of the fingerprint.
    let family: ProviderConfiguration.Kind
    /// `sluice_cache_misses_total{provider}`.
    let misses: Counter

    package func admit(_ request: AdmissionRequest) async throws -> AdmissionDecision {
        let job = request.job
        guard let (key, use) = cache.plan(for: job, family: family) else { return .admitted }
        let entryTenant = job.tenant
        var leads = false
        if use == .lookupAndStore {
            flight: while true {
                switch try await cache.joinFlight(key, ticket: request.ticket) {
                case .lead:
                    leads = true
                    break flight
                case .answered(let response):
                    return .answered(response)
                case .retry:
                    continue
                }
            }
            // Looked up while leading, so an answer stored by a flight that just ended is never missed.
            if let entry = await lookup(key) {
                cache.finishFlight(key, ticket: request.ticket, response: entry.response)
                return .answered(entry.response)
            }
        } else {
            // A refresh leads when nobody is in flight (so identical requests arriving after it wait for it), and
            // never waits itself.
            leads = cache.state.withLock { $0.flights.lead(key, ticket: request.ticket) }
        }
        cache.state.withLock { state in
            state.statistics.misses += 1
            state.pending[request.ticket] = ResponseCache.Pending(
                key: key,
                leads: leads,
                entryTenant: entryTenant,
                provider: job.provider,
                model: job.model
            )
        }
        misses.increment()
        return .admitted
    }

    package func settle(_ request: AdmissionRequest, outcome: UpstreamOutcome) async {
        guard let pending = cache.state.withLock({ $0.pending.removeValue(forKey: request.ticket) }) else { return }
        var answer: JobResponse?
        if case .answered(let provided, .success) = outcome, (200..<300).contains(provided.response.statusCode) {
            answer = provided.response
        }
        if let answer {
            let now = Date()
            let entry = CacheEntry(
                key: pending.key,
                tenant: pending.entryTenant,
                provider: pending.provider,
                model: pending.model,
                response: answer,
                createdAt: now,
                expiresAt: now.addingTimeInterval(cache.configuration.ttl.timeInterval)
            )
            do {
                try await cache.store.storeCachedResponse(entry)
                cache.state.withLock { $0.statistics.stored += 1 }
            } catch {
                cache.logger.error(
                    "storing an answer in the cache failed",
                    metadata: ["job": "\(request.job.id)", "error": "\(error)"]
                )
            }
        }
        if pending.leads { cache.finishFlight(pending.key, ticket: request.ticket, response: answer) }
    }

    /// The stored entry under `key`, counting the hit; a failed read is a miss (logged), never a failed job.
    private func lookup(_ key: Data) async -> CacheEntry? {
        let entry: CacheEntry?
        do {
            entry = try await cache.store.cachedResponse(key: key, now: Date())
        } catch {
            cache.logger.warning("cache lookup failed; calling upstream", metadata: ["error": "\(error)"])
            return nil
        }
        guard let entry else { return nil }
        cache.state.withLock { $0.statistics.storeHits += 1 }
        do {
            try await cache.store.recordCacheHit(key: key)
        } catch {
            cache.logger.warning("counting a cache hit failed", metadata: ["error": "\(error)"])
        }
        return entry
    }
}
