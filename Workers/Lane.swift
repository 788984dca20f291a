import Foundation
package import Jobs
package import Logging
import Synchronization

/// One provider's lane: claims that provider's runnable jobs, at most `limits.maxConcurrency` at a time, and runs
/// each through the adapter and the transport, then records the outcome under the job's lease.
///
/// Every attempt passes the lane's admission steps before its call (`JobAdmission`): the pool's extra steps
/// (`WorkerPool.Configuration.admission`: tenant quotas, the cache), then the lane's `ProviderRateLimiter`
/// (requests and tokens per minute, learned limits, the pause after a 429). Every step that admitted is settled
/// after the call.
///
/// The loop claims only as many jobs as it has free slots and as the rate limiter allows right now (so jobs do
/// not pile up inside the lane waiting for rate capacity). When the last claim found less than it had room for,
/// it waits for `wake()` or an idle poll interval that doubles from `idlePollMinimum` to `idlePollMaximum` while
/// claims come back empty. One batched heartbeat every `heartbeatInterval` renews the leases of the running jobs
/// and learns which of them were asked to cancel and which leases were lost (their calls are aborted).
///
/// Shutdown (see `WorkerPool`): `beginShutdown()` stops the claiming and hands back at once the jobs still waiting
/// for admission; running calls get `shutdownTimeout` to finish, then their tasks are cancelled, their transfers
/// aborted and the jobs handed back without burning an attempt.
///
/// Deadlines: the store never claims a job whose deadline passed. A job whose deadline passes while it runs is
/// flagged by maintenance (`JobStore.expireOverdue`); the flag reaches the lane as a cancellation request, the
/// transfer is aborted and the acknowledgement ends the job `expired`.
///
/// ```swift
/// let lane = Lane(provider: provider, adapter: adapter, store: store, transport: transport,
///                 configuration: .init(), logger: logger)
/// await withDiscardingTaskGroup { group in
///     group.addTask { await lane.run() }
///     lane.wake()            // after inserting jobs for this provider
///     lane.beginShutdown()   // stop claiming, drain, hand back
/// }
/// ```
package final class Lane: Sendable {
    /// The provider (and lane) name.
    package let provider: String
    /// The most jobs this lane runs at once (`limits.maxConcurrency`).
    package let capacity: Int

    let adapter: any ProviderAdapter
    /// The provider's rate limits; also the last of `admission`.
    package let rateLimiter: ProviderRateLimiter
    /// The admission steps, in order: the pool's extra steps, then `rateLimiter`.
    let admission: [any JobAdmission]
    let store: JobStore
    let transport: any HTTPTransport
    let configuration: WorkerPool.Configuration
    /// Carries the provider name; jobs add their id and attempt.
    let jobLogger: Logger
    /// How many times in a row each job was given back after a 429 (`RetryPolicy.maxRateLimitedRetries`).
    let rateLimitedRetries = RateLimitedRetryCounts()
    /// The lane's metric handles (`sluice_*{provider}`).
    package let metrics: LaneMetrics
    /// Stops the claiming while the provider keeps failing (see `CircuitBreaker`).
    let breaker: LaneCircuitBreaker

    /// Set by `wake()` (new work), by shutdown, and by nothing else: ends an idle wait early.
    private let wakeup: AsyncEvent
    /// Set whenever a job leaves the lane: ends the wait of a full lane or of the shutdown drain.
    private let slotFreed = AsyncEvent(.autoReset)
    /// Set once by `beginShutdown()`: jobs still waiting for admission are handed back at once.
    let stopping = AsyncEvent(.manualReset)
    private let state = Mutex(State())

    private struct State {
        /// The running calls by job id, then lease token. Keyed by lease, not by id: a job taken back by a rescue
        /// while its call is in flight can be claimed again by this lane, and both calls then run until the old
        /// one ends (its answer is dropped, and the heartbeat aborts it). Each holds its own slot.
        var running: [JobID: [Int64: RunningJob]] = [:]
        /// How many calls `running` holds.
        var runningCount = 0
        var isStopping = false

        var all: some Sequence<RunningJob> { running.values.lazy.flatMap(\.values) }

        mutating func add(_ job: RunningJob) {
            if running[job.lease.jobID, default: [:]].updateValue(job, forKey: job.lease.token) == nil {
                runningCount += 1
            }
        }

        /// Removes the call of `lease` only: never another claim of the same job.
        mutating func remove(_ lease: JobLease) {
            guard var calls = running[lease.jobID], calls.removeValue(forKey: lease.token) != nil else { return }
            runningCount -= 1
            running[lease.jobID] = calls.isEmpty ? nil : calls
        }
    }

    /// Where a running job is in its admission.
    enum AdmissionPhase: Sendable {
        /// Claimed, no step asked yet.
        case claimed
        /// In a step before the rate limiter (a cache follower, a quota): it asks no rate capacity there.
        case earlierStep
        /// Waiting in the rate limiter.
        case rateLimiter
        /// Admitted: its call holds capacity (or it ended without one).
        case admitted
    }

    private struct RunningJob {
        var lease: JobLease
        var phase = AdmissionPhase.claimed
        /// Set when the job's cancellation was requested (heartbeat or the store's stream).
        var cancel: AsyncEvent
    }

    /// - Parameters:
    ///   - provider: the provider entry; its name is the lane's, its `limits.maxConcurrency` the lane's capacity.
    ///   - adapter: builds requests and reads answers in the provider's wire format.
    ///   - store: the durable queue.
    ///   - transport: sends the requests.
    ///   - configuration: leases, polling, timeouts, retry policy.
    ///   - logger: logs job ids, provider, attempt and status; never bodies or keys.
    package init(
        provider: ProviderConfiguration,
        adapter: any ProviderAdapter,
        store: JobStore,
        transport: any HTTPTransport,
        configuration: WorkerPool.Configuration,
        logger: Logger
    ) {
        precondition(provider.limits.maxConcurrency > 0, "maxConcurrency must be positive")
        self.provider = provider.name
        self.capacity = provider.limits.maxConcurrency
        self.adapter = adapter
        let wakeup = AsyncEvent(.autoReset)
        self.wakeup = wakeup
        let metrics = LaneMetrics(provider: provider.name)
        self.metrics = metrics
        let rateLimiter = ProviderRateLimiter(
            settings: LaneRateLimits.Settings(
                rpm: provider.limits.rpm,
                tpm: provider.limits.tpm,
                maxConcurrency: provider.limits.maxConcurrency,
                headroom: configuration.rateLimitHeadroom,
                initialWindow: configuration.unknownLimitsInitialConcurrency
            ),
            maxWait: configuration.maxAdmissionWait,
            logger: logger,
            onCapacity: { wakeup.set() },
            onPause: { metrics.rateLimitPaused() }
        )
        self.rateLimiter = rateLimiter
        self.admission = configuration.admission(provider) + [rateLimiter]
        self.store = store
        self.transport = transport
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "provider"] = "\(provider.name)"
        self.jobLogger = logger
        self.breaker = LaneCircuitBreaker(
            configuration: configuration.circuitBreaker.scaled(forConcurrency: provider.limits.maxConcurrency),
            metrics: metrics,
            logger: logger
        )
    }

    private var logger: Logger { jobLogger }

    /// Tells the lane there may be new runnable jobs: an idle lane claims at once.
    package func wake() {
        wakeup.set()
    }

    /// Stops the claiming; `run()` then drains the running jobs (see `WorkerPool.Configuration.shutdownTimeout`).
    package func beginShutdown() {
        state.withLock { $0.isStopping = true }
        stopping.set()
        wakeup.set()
        slotFreed.set()
    }

    /// Aborts the job's upstream call if this lane runs it (every call of it, should a taken-back job briefly run
    /// twice); the job then ends `cancelled`. Returns whether the lane runs the job.
    @discardableResult
    package func requestCancel(_ id: JobID) -> Bool {
        let cancels = state.withLock { $0.running[id].map { $0.values.map(\.cancel) } ?? [] }
        for cancel in cancels { cancel.set() }
        return !cancels.isEmpty
    }

    /// Aborts the call running under `lease` (not another claim of the same job): the lease is no longer held,
    /// so its answer would be dropped. Returns whether the lane runs that call.
    @discardableResult
    func abandon(_ lease: JobLease) -> Bool {
        guard let cancel = state.withLock({ $0.running[lease.jobID]?[lease.token]?.cancel }) else { return false }
        cancel.set()
        return true
    }

    /// How many calls the lane runs right now.
    package var runningCount: Int { state.withLock { $0.runningCount } }

    /// How many running jobs will ask the rate limiter for capacity and do not hold any yet: claimed ones not yet
    /// in a step, and those waiting in the rate limiter. Jobs parked in an earlier step (a cache follower waiting
    /// for its leader's answer) are not counted: they may never need capacity.
    var waitingCount: Int {
        state.withLock { $0.all.count { $0.phase == .claimed || $0.phase == .rateLimiter } }
    }

    /// Records where the call of `lease` is in its admission.
    func setPhase(_ phase: AdmissionPhase, of lease: JobLease) {
        state.withLock { $0.running[lease.jobID]?[lease.token]?.phase = phase }
    }

    /// Whether `beginShutdown()` was called.
    var isStopping: Bool { state.withLock { $0.isStopping } }

    /// The call of `lease` left the lane: frees its slot.
    func finished(_ lease: JobLease) {
        let running = state.withLock { state in
            state.remove(lease)
            return state.runningCount
        }
        metrics.setInFlight(running)
        breaker.callEnded(lease)
        slotFreed.set()
    }

    /// Runs the lane until `beginShutdown()` (then drains) or until the task is cancelled (then hands back at once).
    package func run() async {
        logger.debug("lane started", metadata: ["capacity": "\(capacity)"])
        await withDiscardingTaskGroup { group in
            group.addTask { await self.heartbeatLoop() }
            await claimLoop(group: &group)
            await drain()
            // Cancels the heartbeat and every job still running: their transfers abort and they are handed back.
            group.cancelAll()
        }
        logger.debug("lane stopped")
    }

    // MARK: Claiming

    private func claimLoop(group: inout DiscardingTaskGroup) async {
        var idleWait = configuration.idlePollMinimum
        while !Task.isCancelled && !isStopping {
            let free = capacity - runningCount
            if free <= 0 {
                await slotFreed.wait()
                continue
            }
            let permit = breaker.permit()
            if case .none(let retryAfter) = permit {
                // The provider keeps failing (breaker open) or the half-open probe is out: claim nothing, so the
                // jobs wait in the queue without burning attempts.
                await wakeup.wait(timeout: retryAfter ?? configuration.idlePollMaximum)
                continue
            }
            let allowance = rateLimiter.claimAllowance(freeSlots: permit == .one ? 1 : free, waiting: waitingCount)
            if allowance.count <= 0 {
                // Paused after a 429, out of rate capacity, or the adaptive window is full: look again when
                // capacity returns (a settlement wakes us) or, at the latest, when the buckets have refilled.
                await wakeup.wait(timeout: allowance.retryAfter ?? configuration.idlePollMaximum)
                continue
            }
            let limit = allowance.count

            let claimed: [ClaimedJob]
            do {
                claimed = try await store.claim(
                    provider: provider,
                    limit: limit,
                    leaseDuration: configuration.leaseDuration,
                    now: Date()
                )
            } catch {
                if Task.isCancelled { break }
                logger.error("claim failed", metadata: ["error": "\(error)"])
                await wakeup.wait(timeout: configuration.idlePollMaximum)
                continue
            }
            if isStopping || Task.isCancelled {
                // Claimed while shutdown began: do not start them.
                await handBack(claimed, reason: "lane stopping")
                break
            }
            if permit == .one, let probe = claimed.first { breaker.probeStarted(probe.lease) }
            start(claimed, group: &group)

            if claimed.count >= limit {
                idleWait = configuration.idlePollMinimum
                continue  // full: the next turn waits for a free slot
            }
            idleWait =
                claimed.isEmpty ? min(idleWait * 2, configuration.idlePollMaximum) : configuration.idlePollMinimum
            await wakeup.wait(timeout: idleWait)
        }
    }

    private func start(_ claimed: [ClaimedJob], group: inout DiscardingTaskGroup) {
        for job in claimed {
            let cancel = AsyncEvent(.manualReset)
            let running = state.withLock { state in
                state.add(RunningJob(lease: job.lease, cancel: cancel))
                return state.runningCount
            }
            metrics.setInFlight(running)
            group.addTask { await self.execute(job, cancel: cancel) }
        }
    }

    // MARK: Draining and heartbeats

    /// After the claiming stopped: waits up to `shutdownTimeout` for the running jobs to finish.
    private func drain() async {
        guard !Task.isCancelled, runningCount > 0 else { return }
        logger.info("lane draining", metadata: ["running": "\(runningCount)"])
        let deadline = ContinuousClock.now + configuration.shutdownTimeout
        while runningCount > 0, !Task.isCancelled {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { break }
            await slotFreed.wait(timeout: remaining)
        }
        let left = runningCount
        if left > 0 {
            logger.notice("shutdown timeout passed; handing back running jobs", metadata: ["running": "\(left)"])
        }
    }

    private func heartbeatLoop() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.heartbeatInterval)
            } catch {
                return
            }
            let leases = state.withLock { $0.all.map(\.lease) }
            guard !leases.isEmpty else { continue }
            do {
                let renewal = try await store.renewLeases(
                    leases,
                    leaseDuration: configuration.leaseDuration,
                    now: Date()
                )
                for id in renewal.cancelRequested { requestCancel(id) }
                // Taken back (rescued) or already final: a call still running under the lease can only have its
                // answer dropped, so stop it and free its slot.
                for lease in renewal.lost where abandon(lease) {
                    logger.debug("lease lost; aborting the call", metadata: ["job": "\(lease.jobID)"])
                }
                logger.trace("heartbeat", metadata: ["leases": "\(leases.count)"])
            } catch {
                if Task.isCancelled { return }
                logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
