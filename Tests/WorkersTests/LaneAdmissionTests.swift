import Foundation
import Synchronization
import Testing

@testable import Jobs
@testable import Workers

/// An admission step that answers with a fixed decision and records what it is asked and told.
private final class RecordingStep: JobAdmission {
    struct Log {
        var admitted: [JobID] = []
        var settled: [(JobID, String)] = []
    }

    private let decide: @Sendable (AdmissionRequest) -> AdmissionDecision
    private let log = Mutex(Log())

    init(_ decide: @escaping @Sendable (AdmissionRequest) -> AdmissionDecision) {
        self.decide = decide
    }

    var admitted: [JobID] { log.withLock { $0.admitted } }
    var settled: [(JobID, String)] { log.withLock { $0.settled } }

    func admit(_ request: AdmissionRequest) async throws -> AdmissionDecision {
        let decision = decide(request)
        if case .admitted = decision { log.withLock { $0.admitted.append(request.job.id) } }
        return decision
    }

    func settle(_ request: AdmissionRequest, outcome: UpstreamOutcome) async {
        let name: String
        switch outcome {
        case .notSent: name = "notSent"
        case .answered(let answer, _): name = "answered \(answer.response.statusCode)"
        case .failed: name = "failed"
        case .aborted: name = "aborted"
        }
        log.withLock { $0.settled.append((request.job.id, name)) }
    }
}

/// A step that waits until its task is cancelled, like a rate limiter with no capacity.
private struct Blocking: JobAdmission {
    func admit(_ request: AdmissionRequest) async throws -> AdmissionDecision {
        try await Task.sleep(for: .seconds(600))
        return .admitted
    }

    func settle(_ request: AdmissionRequest, outcome: UpstreamOutcome) async {}
}

@Suite struct LaneAdmissionTests {
    private static func configuration(_ steps: [any JobAdmission]) -> WorkerPool.Configuration {
        var configuration = PoolHarness.configuration()
        configuration.admission = { _ in steps }
        return configuration
    }

    @Test(.timeLimit(.minutes(1))) func run_settlesEveryAdmittingStepOnce_withTheAnswer() async throws {
        let step = RecordingStep { _ in .admitted }
        let script = FakeTransport.always(.respond(FakeTransport.ok()))
        try await PoolHarness.with(configuration: Self.configuration([step]), script: script) { harness in
            let id = try await harness.insert("one")
            #expect(try await harness.final(id).state == .succeeded)
            try await eventually("the step is settled") { !step.settled.isEmpty }
            #expect(step.admitted == [id])
            #expect(step.settled.map(\.1) == ["answered 200"])
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenAStepRejects_failsTheJobWithoutACall_andSettlesTheStepsBefore()
        async throws
    {
        let first = RecordingStep { _ in .admitted }
        let second = RecordingStep { _ in .rejected(JobFailure(code: "quota_exceeded", message: "over budget")) }
        let script = FakeTransport.always(.respond(FakeTransport.ok()))
        try await PoolHarness.with(configuration: Self.configuration([first, second]), script: script) { harness in
            let job = try await harness.final(try await harness.insert("over"))
            #expect(job.state == .failed)
            #expect(job.error?.code == "quota_exceeded")
            #expect(job.attempt == 1)
            #expect(harness.transport.calls == 0)
            #expect(first.settled.map(\.1) == ["notSent"])
            #expect(second.settled.isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenAStepDefers_requeuesTheJobLaterWithoutBurningAnAttempt() async throws {
        let until = Date().addingTimeInterval(3_600)
        let step = RecordingStep { _ in
            .deferred(until: until, reason: JobFailure(code: "quota_exceeded", message: "window full"))
        }
        let script = FakeTransport.always(.respond(FakeTransport.ok()))
        try await PoolHarness.with(configuration: Self.configuration([step]), script: script) { harness in
            let id = try await harness.insert("later")
            try await eventually("the job is back in the queue") {
                let job = try await harness.job(id)
                return job.state == .queued && job.error?.code == "quota_exceeded"
            }
            let job = try await harness.job(id)
            #expect(job.attempt == 0)
            #expect(abs(job.runAt.timeIntervalSince(until)) < 1)
            #expect(harness.transport.calls == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenADeferralEndsPastTheDeadline_failsTheJobNow() async throws {
        let step = RecordingStep { _ in
            .deferred(until: Date().addingTimeInterval(3_600), reason: JobFailure(code: "rate_limited", message: "x"))
        }
        let script = FakeTransport.always(.respond(FakeTransport.ok()))
        try await PoolHarness.with(configuration: Self.configuration([step]), script: script) { harness in
            let id = try await harness.insert("soon", deadline: Date().addingTimeInterval(60))
            let job = try await harness.final(id)
            #expect(job.state == .failed)
            #expect(job.error?.code == "rate_limited")
            #expect(harness.transport.calls == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenAStepAnswers_succeedsWithoutACall() async throws {
        let cached = JobResponse(
            statusCode: 200,
            requestID: "cache",
            body: Data(#"{"cached":true}"#.utf8),
            usage: TokenUsage(promptTokens: 0, completionTokens: 0)
        )
        let step = RecordingStep { _ in .answered(cached) }
        let script = FakeTransport.always(.respond(FakeTransport.ok()))
        try await PoolHarness.with(configuration: Self.configuration([step]), script: script) { harness in
            let job = try await harness.final(try await harness.insert("hit"))
            #expect(job.state == .succeeded)
            #expect(job.response?.requestID == "cache")
            #expect(harness.transport.calls == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenTheCallTimesOut_settlesWithTheFailure() async throws {
        let step = RecordingStep { _ in .admitted }
        let script = FakeTransport.first(
            .fail(TransportError(.timeout, message: "slow")),
            then: .respond(FakeTransport.ok())
        )
        try await PoolHarness.with(configuration: Self.configuration([step]), script: script) { harness in
            #expect(try await harness.final(try await harness.insert("slow")).state == .succeeded)
            try await eventually("both attempts are settled") { step.settled.count == 2 }
            #expect(step.settled.map(\.1) == ["failed", "answered 200"])
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenJobsWaitInAnEarlierStep_theyDoNotUseTheRateLimitersClaimAllowance()
        async throws
    {
        // Unknown limits: the rate limiter allows 4 calls in flight. Jobs parked in an earlier step (cache followers
        // waiting for their leader) ask it nothing, so the lane keeps claiming up to its concurrency.
        let script = FakeTransport.always(.respond(FakeTransport.ok()))
        try await PoolHarness.with(configuration: Self.configuration([Blocking()]), script: script) { harness in
            for index in 0..<6 { _ = try await harness.insert("parked-\(index)") }
            let lane = try #require(harness.pool.lanes[PoolHarness.provider])
            try await eventually("all six are claimed") { lane.runningCount == 6 }
            // A job just claimed counts as waiting until its task reaches the earlier step.
            try await eventually("all six are parked in the earlier step") { lane.waitingCount == 0 }
        }
    }

    @Test(.timeLimit(.minutes(1))) func shutdown_whenAJobWaitsForAdmission_handsItBackWithoutBurningAnAttempt()
        async throws
    {
        var configuration = PoolHarness.configuration(shutdownTimeout: .seconds(30))
        configuration.admission = { _ in [Blocking()] }
        let script = FakeTransport.always(.respond(FakeTransport.ok()))
        try await PoolHarness.with(configuration: configuration, script: script) { harness in
            let id = try await harness.insert("waiting")
            let lane = try #require(harness.pool.lanes[PoolHarness.provider])
            try await eventually("the job waits in the lane") { lane.runningCount == 1 }
            // Without the hand-back on shutdown, this would wait out the 30 s drain.
            await harness.shutdown()
            let job = try await harness.job(id)
            #expect(job.state == .queued)
            #expect(job.attempt == 0)
            #expect(harness.transport.calls == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenCancelledWhileWaitingForAdmission_endsCancelledWithoutACall()
        async throws
    {
        let script = FakeTransport.always(.respond(FakeTransport.ok()))
        try await PoolHarness.with(configuration: Self.configuration([Blocking()]), script: script) { harness in
            let id = try await harness.insert("waiting")
            let lane = try #require(harness.pool.lanes[PoolHarness.provider])
            try await eventually("the job waits in the lane") { lane.runningCount == 1 }
            _ = try await harness.store.cancelJob(id, tenant: PoolHarness.tenant)
            #expect(try await harness.final(id).state == .cancelled)
            #expect(harness.transport.calls == 0)
        }
    }
}
