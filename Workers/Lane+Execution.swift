import Foundation
import Jobs
import Logging

extension Lane {
    /// How one upstream attempt ended, before it is judged.
    private enum AttemptOutcome: Sendable {
        /// The provider answered (any status).
        case answered(HTTPResponse)
        /// The transfer produced no answer.
        case transportFailed(TransportError)
        /// The job's cancellation was requested; the transfer was aborted.
        case cancelRequested
        /// The job's task was cancelled (shutdown): the transfer was aborted.
        case interrupted
    }

    /// Runs one claimed job: request, transfer (aborted by a cancellation request or by task cancellation),
    /// judgement, and the lease-guarded write of the outcome.
    func execute(_ job: ClaimedJob, cancel: AsyncEvent) async {
        defer { finished(job.lease) }
        var logger = self.jobLogger
        // One assignment: swift-log's stream handler re-renders all its metadata on every change.
        var metadata = logger.handler.metadata
        metadata["job"] = "\(job.id)"
        metadata["attempt"] = "\(job.attempt)"
        logger.handler.metadata = metadata
        metrics.started(job, firstStart: rateLimitedRetries.count(of: job.id) == 0)

        let request: HTTPRequest
        do {
            var built = try adapter.makeRequest(for: job)
            built.timeout = configuration.requestTimeout
            built.connectTimeout = configuration.connectTimeout
            request = built
        } catch {
            let failure = JobFailure(code: FailureClassifier.FailureCode.invalidRequest, message: "\(error)")
            await record(.fail(nil, failure), job: job, logger: logger)
            return
        }
        if Task.isCancelled {
            await handBack([job], reason: "interrupted before the call")
            return
        }

        let admissionRequest = AdmissionRequest(
            job: job,
            estimate: TokenEstimate(job: job, defaultMaxTokens: configuration.defaultMaxTokens)
        )
        switch await admit(admissionRequest, cancel: cancel) {
        case .cancelRequested:
            await acknowledgeCancel(job, logger: logger)
            return
        case .interrupted:
            await handBack([job], reason: "interrupted while waiting for admission")
            return
        case .decided(.deferred(let until, let reason)):
            logger.debug("admission deferred the job", metadata: ["code": "\(reason.code)"])
            await record(
                Settlement.deferral(job: job, until: until, reason: reason, now: Date()),
                job: job,
                logger: logger
            )
            return
        case .decided(.rejected(let failure)):
            await record(.fail(nil, failure), job: job, logger: logger)
            return
        case .decided(.answered(let response)):
            logger.debug("admission answered the job without a call")
            await recordAnswerWithoutCall(response, job: job, logger: logger)
            return
        case .decided(.admitted):
            break
        }

        logger.trace("calling provider")
        let callStart = ContinuousClock.now
        let outcome = await send(request, cancel: cancel)
        switch outcome {
        case .answered(let response):
            metrics.recordLatency(ContinuousClock.now - callStart)
            metrics.answered(status: response.status)
            if breaker.record(CircuitBreaker.observation(status: response.status), of: job.lease) { wake() }
        case .transportFailed(let error):
            metrics.recordLatency(ContinuousClock.now - callStart)
            metrics.transportFailed()
            breaker.record(CircuitBreaker.observation(of: error), of: job.lease)
        case .cancelRequested, .interrupted:
            break
        }
        switch outcome {
        case .cancelRequested:
            await settleAdmission(admissionRequest, outcome: .aborted)
            await acknowledgeCancel(job, logger: logger)
        case .interrupted:
            await settleAdmission(admissionRequest, outcome: .aborted)
            await handBack([job], reason: "interrupted")
        case .transportFailed(let error):
            await settleAdmission(admissionRequest, outcome: .failed(error))
            logger[metadataKey: "transport_error"] = "\(error.code)"
            await judge(FailureClassifier.classify(error), response: nil, job: job, logger: logger)
        case .answered(let response):
            let answer = adapter.parse(response)
            // At warning and above, only the logs after a non-2xx answer need it: skip the re-render otherwise.
            if logger.logLevel <= .info || !(200..<300).contains(response.status) {
                logger[metadataKey: "status"] = "\(response.status)"
            }
            let verdict = FailureClassifier.classify(answer, now: Date())
            await settleAdmission(admissionRequest, outcome: .answered(answer, verdict))
            await judge(verdict, response: answer.response, job: job, logger: logger)
        }
    }

    // MARK: Admission

    /// How waiting for admission ended.
    private enum AdmissionResult: Sendable {
        case decided(AdmissionDecision)
        /// The job's cancellation was requested while it waited.
        case cancelRequested
        /// The job's task was cancelled (shutdown) while it waited.
        case interrupted
    }

    /// Runs the admission steps, racing them against the job's cancellation event and the lane's shutdown. When
    /// either wins although the steps had just admitted, they are settled as not sent.
    private func admit(_ request: AdmissionRequest, cancel: AsyncEvent) async -> AdmissionResult {
        await withTaskGroup(of: AdmissionResult?.self) { group in
            group.addTask {
                do {
                    return .decided(try await self.runAdmissionSteps(request))
                } catch {
                    return cancel.isSet ? .cancelRequested : .interrupted
                }
            }
            group.addTask {
                await cancel.wait()
                return cancel.isSet ? .cancelRequested : nil
            }
            let stopping = self.stopping
            group.addTask {
                // Shutdown: a job not yet admitted goes back to the queue now rather than waiting out the drain.
                await stopping.wait()
                return stopping.isSet ? .interrupted : nil
            }
            var chosen: AdmissionResult?
            while let next = await group.next() {
                guard let next else { continue }
                guard chosen == nil else {
                    if case .decided(.admitted) = next { await settleAdmission(request, outcome: .notSent) }
                    continue
                }
                chosen = next
                group.cancelAll()
            }
            return chosen ?? .interrupted
        }
    }

    /// The steps in order; a step that declines ends the walk, and the steps before it are settled as not sent.
    private func runAdmissionSteps(_ request: AdmissionRequest) async throws -> AdmissionDecision {
        let lease = request.job.lease
        defer { setPhase(.admitted, of: lease) }
        for (index, step) in admission.enumerated() {
            // The last step is the lane's rate limiter (see `Lane.waitingCount`).
            setPhase(index == admission.count - 1 ? .rateLimiter : .earlierStep, of: lease)
            let decision: AdmissionDecision
            do {
                decision = try await step.admit(request)
            } catch {
                await settle(admission[..<index], request: request, outcome: .notSent)
                throw error
            }
            if case .admitted = decision { continue }
            await settle(admission[..<index], request: request, outcome: .notSent)
            return decision
        }
        return .admitted
    }

    /// Settles every admission step after the attempt, last step first.
    func settleAdmission(_ request: AdmissionRequest, outcome: UpstreamOutcome) async {
        await settle(admission[...], request: request, outcome: outcome)
    }

    /// Settles `steps` in reverse order. Runs in an unstructured task awaited on the spot, so a cancelled job task
    /// (shutdown) still gives back what it reserved (the same shield as `shielded`).
    private func settle(
        _ steps: ArraySlice<any JobAdmission>,
        request: AdmissionRequest,
        outcome: UpstreamOutcome
    )
        async
    {
        guard !steps.isEmpty else { return }
        let steps = Array(steps.reversed())
        await Task {
            for step in steps { await step.settle(request, outcome: outcome) }
        }.value
    }

    /// Sends the request, racing it against the job's cancellation event. Cancelling the losing child task aborts
    /// the transfer (the transport's contract).
    private func send(_ request: HTTPRequest, cancel: AsyncEvent) async -> AttemptOutcome {
        let transport = self.transport
        return await withTaskGroup(of: AttemptOutcome?.self) { group in
            group.addTask {
                do {
                    return .answered(try await transport.send(request))
                } catch let error as TransportError {
                    if error.code == .cancelled { return cancel.isSet ? .cancelRequested : .interrupted }
                    return .transportFailed(error)
                } catch is CancellationError {
                    return cancel.isSet ? .cancelRequested : .interrupted
                } catch {
                    return .transportFailed(TransportError(.other, message: "\(type(of: error))"))
                }
            }
            group.addTask {
                await cancel.wait()
                return cancel.isSet ? .cancelRequested : nil
            }
            var outcome: AttemptOutcome = .interrupted
            while let next = await group.next() {
                guard let next else { continue }  // the cancellation watcher gave up (the call ended first)
                outcome = next
                group.cancelAll()
                break
            }
            return outcome
        }
    }

    private func judge(_ verdict: Verdict, response: JobResponse?, job: ClaimedJob, logger: Logger) async {
        var generator = SystemRandomNumberGenerator()
        let settlement = Settlement.decide(
            verdict: verdict,
            response: response,
            job: job,
            policy: configuration.retryPolicy,
            rateLimitedRetries: rateLimitedRetries.count(of: job.id),
            now: Date(),
            using: &generator
        )
        if case .rateLimited = verdict, case .retry = settlement {
            rateLimitedRetries.increment(job.id)
        } else {
            rateLimitedRetries.reset(job.id)
        }
        await record(settlement, job: job, logger: logger)
    }

    private func record(_ settlement: Settlement, job: ClaimedJob, logger: Logger) async {
        let store = self.store
        let lease = job.lease
        do {
            switch settlement {
            case .complete(let response):
                let written = try await shieldedWithRetries(Self.recordingOutcome, logger: logger) {
                    try await store.complete(lease, response: response, now: Date())
                }
                if written {
                    metrics.finished(.succeeded)
                    recordBilled(response, job: job)
                    logger.debug("job succeeded")
                } else {
                    staleLease(logger)
                }
            case .fail(let response, let failure):
                let written = try await shieldedWithRetries(Self.recordingOutcome, logger: logger) {
                    try await store.fail(lease, response: response, failure: failure, now: Date())
                }
                if written {
                    metrics.finished(.failed)
                    if let response { recordBilled(response, job: job) }
                    logger.info("job failed", metadata: ["code": "\(failure.code)", "reason": "\(failure.message)"])
                } else {
                    staleLease(logger)
                }
            case .retry(let runAt, let failure, let countsAttempt, let response):
                let delay = max(0, Int(runAt.timeIntervalSinceNow * 1000))
                let written = try await shieldedWithRetries(Self.recordingOutcome, logger: logger) {
                    try await store.retry(
                        lease,
                        at: runAt,
                        failure: failure,
                        countsAttempt: countsAttempt,
                        response: response,
                        now: Date()
                    )
                }
                if written {
                    metrics.retried(reason: failure.code)
                    if let response { recordBilled(response, job: job) }
                    logger.info(
                        "job will be retried",
                        metadata: [
                            "code": "\(failure.code)", "counts_attempt": "\(countsAttempt)", "delay_ms": "\(delay)",
                        ]
                    )
                } else {
                    staleLease(logger)
                }
            }
        } catch {
            logger.error("\(Self.recordingOutcome) failed", metadata: ["error": "\(error)"])
        }
    }

    /// Adds the tokens and dollars the ledger recorded for an upstream answer to the lane's metrics.
    private func recordBilled(_ response: JobResponse, job: ClaimedJob) {
        guard let charge = store.ledgerCharge(of: response, provider: job.provider, model: job.model) else { return }
        metrics.recordBilled(charge, model: job.model)
    }

    /// Names the outcome write in the log.
    static let recordingOutcome = "recording the job's outcome"

    /// The store refused the write: a rescue or the start-up recovery took the job back, and another claim owns it
    /// (or it is final). The answer is dropped; exactly one result is recorded, by the current lease holder.
    private func staleLease(_ logger: Logger) {
        logger.debug("lease no longer held; outcome dropped")
    }

    private func acknowledgeCancel(_ job: ClaimedJob, logger: Logger) async {
        let store = self.store
        do {
            let written = try await shieldedWithRetries("recording the cancellation", logger: logger) {
                try await store.acknowledgeCancel(job.lease, now: Date())
            }
            if written {
                metrics.finished(.cancelled)
                logger.info("job cancelled")
            } else {
                staleLease(logger)
            }
        } catch {
            logger.error("recording the cancellation failed", metadata: ["error": "\(error)"])
        }
    }

    /// running → queued at once, giving the attempt back (shutdown, jobs claimed too late).
    func handBack(_ jobs: [ClaimedJob], reason: String) async {
        guard !jobs.isEmpty else { return }
        let store = self.store
        let logger = self.jobLogger
        await withDiscardingTaskGroup { group in
            for job in jobs {
                group.addTask {
                    do {
                        var jobLogger = logger
                        jobLogger[metadataKey: "job"] = "\(job.id)"
                        let written = try await shieldedWithRetries("handing back a job", logger: jobLogger) {
                            try await store.retry(
                                job.lease,
                                at: Date(),
                                failure: nil,
                                countsAttempt: false,
                                now: Date()
                            )
                        }
                        self.metrics.finished(.handedBack)
                        logger.debug(
                            "job handed back",
                            metadata: ["job": "\(job.id)", "reason": "\(reason)", "lease_held": "\(written)"]
                        )
                    } catch {
                        logger.error(
                            "handing back a job failed",
                            metadata: ["job": "\(job.id)", "error": "\(error)"]
                        )
                    }
                }
            }
        }
    }
}

/// Runs a store write in an unstructured task and awaits it on the spot, so that cancelling the calling task
/// cannot abort it. A job's task is cancelled on shutdown (after the drain timeout) or when the service group
/// tears down; the outcome, and above all the hand-back that gives the attempt back, must still be written —
/// otherwise the job stays `running` until its lease expires and the rescue burns an attempt.
/// This is the one unstructured task STYLE.md allows: it shields cleanup and is awaited where it starts.
func shielded<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await Task { try await operation() }.value
}
