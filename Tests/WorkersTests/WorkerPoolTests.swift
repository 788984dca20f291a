import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import Jobs
@testable import Workers

@Suite struct WorkerPoolTests {
    @Test(.timeLimit(.minutes(1))) func run_whenEveryCallSucceeds_completesEveryJobWithUsage() async throws {
        let script = FakeTransport.always(.respond(FakeTransport.ok(promptTokens: 11, completionTokens: 4)))
        try await PoolHarness.with(script: script) { harness in
            var ids: [JobID] = []
            for index in 0..<20 { ids.append(try await harness.insert("job-\(index)")) }
            for id in ids {
                let job = try await harness.final(id)
                #expect(job.state == .succeeded)
                #expect(job.attempt == 1)
                #expect(job.response?.statusCode == 200)
                #expect(job.response?.requestID == "req_ok")
                #expect(job.response?.usage == TokenUsage(promptTokens: 11, completionTokens: 4))
            }
            #expect(harness.transport.calls == 20)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenServerErrorThenSuccess_retriesAndSucceedsOnAttemptTwo() async throws {
        let script = FakeTransport.first(
            .respond(FakeTransport.error(500, code: "server_error")),
            then: .respond(FakeTransport.ok())
        )
        try await PoolHarness.with(script: script) { harness in
            let id = try await harness.insert("flaky")
            let job = try await harness.final(id)
            #expect(job.state == .succeeded)
            #expect(job.attempt == 2)
            #expect(harness.transport.calls(forBody: PoolHarness.body("flaky")) == 2)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenTransportTimesOutThenSucceeds_retries() async throws {
        let script = FakeTransport.first(
            .fail(TransportError(.timeout, message: "timed out")),
            then: .respond(FakeTransport.ok())
        )
        try await PoolHarness.with(script: script) { harness in
            let job = try await harness.final(try await harness.insert("slow"))
            #expect(job.state == .succeeded)
            #expect(job.attempt == 2)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenBadRequest_failsPermanentlyKeepingTheResponse() async throws {
        let script = FakeTransport.always(.respond(FakeTransport.error(400, code: "context_length_exceeded")))
        try await PoolHarness.with(script: script) { harness in
            let job = try await harness.final(try await harness.insert("too-long"))
            #expect(job.state == .failed)
            #expect(job.attempt == 1)
            #expect(job.response?.statusCode == 400)
            #expect(job.response?.requestID == "req_err")
            #expect(job.error?.code == "upstream_error")
            #expect(job.error?.message.contains("context_length_exceeded") == true)
            #expect(job.error?.message.contains("upstream says no") == false)
            #expect(harness.transport.calls == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenRetryableFailureOutlastsAttempts_failsWithTheLastResponse() async throws
    {
        let script = FakeTransport.always(.respond(FakeTransport.error(503, code: "overloaded")))
        try await PoolHarness.with(script: script) { harness in
            let job = try await harness.final(try await harness.insert("down", maxAttempts: 3))
            #expect(job.state == .failed)
            #expect(job.attempt == 3)
            #expect(job.error?.code == "upstream_error")
            #expect(harness.transport.calls == 3)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenRateLimited_retriesWithoutBurningAnAttempt() async throws {
        let rateLimited = FakeTransport.error(429, headers: [("retry-after-ms", "2")], code: "rate_limit_exceeded")
        let script = FakeTransport.first(.respond(rateLimited), times: 2, then: .respond(FakeTransport.ok()))
        try await PoolHarness.with(script: script) { harness in
            let job = try await harness.final(try await harness.insert("busy", maxAttempts: 1))
            #expect(job.state == .succeeded)
            #expect(job.attempt == 1)
            #expect(harness.transport.calls == 3)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_neverExceedsMaxConcurrency() async throws {
        try await PoolHarness.with(maxConcurrency: 3, script: FakeTransport.always(.hold)) { harness in
            var ids: [JobID] = []
            for index in 0..<12 { ids.append(try await harness.insert("job-\(index)")) }
            let transport = harness.transport
            try await eventually("three calls are in flight") { transport.heldCount == 3 }
            #expect(transport.maxInFlight == 3)
            #expect(harness.pool.lanes[PoolHarness.provider]?.runningCount == 3)
            transport.releaseAll()
            for id in ids { #expect(try await harness.final(id).state == .succeeded) }
            #expect(transport.maxInFlight == 3)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_whenRunningJobIsCancelled_abortsTheTransferAndEndsCancelled() async throws {
        try await PoolHarness.with(script: FakeTransport.always(.hold)) { harness in
            let id = try await harness.insert("to-cancel")
            let transport = harness.transport
            try await eventually("the call is in flight") { transport.heldCount == 1 }
            _ = try await harness.store.cancelJob(id, tenant: PoolHarness.tenant)
            let job = try await harness.final(id)
            #expect(job.state == .cancelled)
            #expect(transport.aborted == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func shutdown_whenCallsOutlastTheTimeout_handsJobsBackWithoutBurningAttempts()
        async throws
    {
        try await PoolHarness.with(
            maxConcurrency: 2,
            configuration: PoolHarness.configuration(shutdownTimeout: .milliseconds(50)),
            script: FakeTransport.always(.hold)
        ) { harness in
            let ids = [try await harness.insert("a"), try await harness.insert("b"), try await harness.insert("c")]
            let transport = harness.transport
            try await eventually("two calls are in flight") { transport.heldCount == 2 }
            await harness.shutdown()
            for id in ids {
                let job = try await harness.job(id)
                #expect(job.state == .queued)
                #expect(job.attempt == 0)
            }
            #expect(transport.aborted == 2)
        }
    }

    @Test(.timeLimit(.minutes(1))) func shutdown_whenCallsFinishWithinTheTimeout_recordsTheirAnswers() async throws {
        try await PoolHarness.with(maxConcurrency: 2, script: FakeTransport.always(.hold)) { harness in
            let ids = [try await harness.insert("a"), try await harness.insert("b"), try await harness.insert("c")]
            let transport = harness.transport
            try await eventually("two calls are in flight") { transport.heldCount == 2 }
            await harness.group.triggerGracefulShutdown()
            let lane = try #require(harness.pool.lanes[PoolHarness.provider])
            try await eventually("the lane stopped claiming") { lane.isStopping }
            transport.releaseAll()
            await harness.shutdown()
            #expect(try await harness.job(ids[0]).state == .succeeded)
            #expect(try await harness.job(ids[1]).state == .succeeded)
            let third = try await harness.job(ids[2])
            #expect(third.state == .queued)
            #expect(third.attempt == 0)
            #expect(transport.calls == 2)
        }
    }
}

@Suite struct WorkerPoolLeaseTests {
    @Test(.timeLimit(.minutes(1))) func run_whenTheLeaseWasTakenBack_dropsTheLateAnswer() async throws {
        let script = FakeTransport.first(.hold, then: .respond(FakeTransport.ok(promptTokens: 2, completionTokens: 2)))
        try await PoolHarness.with(script: script) { harness in
            let id = try await harness.insert("stolen")
            let transport = harness.transport
            try await eventually("the first call is in flight") { transport.heldCount == 1 }
            // As if this process had restarted: the job goes back to the queue under a new lease.
            #expect(try await harness.store.rescueAllRunning() == 1)
            harness.pool.wake(provider: PoolHarness.provider)
            let job = try await harness.final(id)
            #expect(job.state == .succeeded)
            #expect(job.response?.usage == TokenUsage(promptTokens: 2, completionTokens: 2))

            transport.releaseAll()  // the first call answers late, under the stale lease
            let lane = try #require(harness.pool.lanes[PoolHarness.provider])
            try await eventually("the late answer was handled") { lane.runningCount == 0 }
            let after = try await harness.job(id)
            #expect(after.state == .succeeded)
            #expect(after.response?.usage == TokenUsage(promptTokens: 2, completionTokens: 2))
            #expect(transport.calls == 2)
        }
    }

    @Test(.timeLimit(.minutes(1))) func run_withStartupRescue_handsBackThePreviousRunsJobsBeforeClaiming()
        async throws
    {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-workers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "workers-tests")
        logger.logLevel = .warning
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: logger
        )
        defer { store.close() }
        let job = try await store.insertJob(
            NewJob(customID: nil, provider: "fake", model: "m", endpoint: "/v1/embeddings", body: Data("{}".utf8)),
            tenant: "t",
            idempotencyKey: nil
        )
        _ = try await store.claim(provider: "fake", limit: 1, leaseDuration: .seconds(600))  // the previous run

        let transport = FakeTransport(script: FakeTransport.always(.respond(FakeTransport.ok())))
        let maintenance = Maintenance(store: store, logger: logger)
        let pool = try WorkerPool(
            store: store,
            transport: transport,
            providers: [.init(name: "fake", kind: .openai, baseURL: "http://fake.invalid/v1", models: ["m"])],
            configuration: PoolHarness.configuration(),
            environment: [:],
            startupRescue: maintenance,
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [maintenance, pool], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let final = try #require(try await store.waitUntilFinal(job.id, tenant: "t", timeout: .seconds(30)))
            #expect(final.state == .succeeded)
            #expect(final.attempt == 1)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

@Suite struct WorkerPoolHeartbeatTests {
    @Test(.timeLimit(.minutes(1))) func heartbeat_keepsALongCallsLeaseFromBeingRescued() async throws {
        // A 2 s lease renewed every 50 ms: slack for a loaded machine (the whole suite runs in parallel on 2 cores).
        let configuration = WorkerPool.Configuration(
            leaseDuration: .seconds(2),
            heartbeatInterval: .milliseconds(50),
            idlePollMinimum: .milliseconds(1),
            idlePollMaximum: .milliseconds(20),
            retryPolicy: RetryPolicy(base: .milliseconds(1), cap: .milliseconds(5))
        )
        try await PoolHarness.with(configuration: configuration, script: FakeTransport.always(.hold)) { harness in
            let id = try await harness.insert("long")
            let transport = harness.transport
            try await eventually("the call is in flight") { transport.heldCount == 1 }
            // Over two and a half lease durations, the lease is renewed in time and never found expired.
            let until = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < until {
                #expect(try await harness.store.rescueExpiredLeases() == 0)
                try await Task.sleep(for: .milliseconds(20))
            }
            transport.releaseAll()
            let job = try await harness.final(id)
            #expect(job.state == .succeeded)
            #expect(job.attempt == 1)
        }
    }
}

@Suite struct WorkerPoolWakeTests {
    @Test(.timeLimit(.minutes(1))) func run_whenTheStoreInsertsWork_wakesTheIdleLaneWithoutWaitingForThePoll()
        async throws
    {
        // The idle poll is far longer than the waits below: only the store's inserted-work notice starts the job.
        let configuration = WorkerPool.Configuration(
            idlePollMinimum: .seconds(40),
            idlePollMaximum: .seconds(60),
            retryPolicy: RetryPolicy(base: .milliseconds(1), cap: .milliseconds(5))
        )
        try await PoolHarness.with(
            configuration: configuration,
            script: FakeTransport.always(.respond(FakeTransport.ok()))
        ) { harness in
            // Once the first job is done the lane has made a claim and is idle, waiting at least 40 s.
            let first = try await harness.insert("first", wake: false)
            #expect(try await harness.final(first).state == .succeeded)
            let second = try await harness.insert("second", wake: false)
            let job = try #require(
                try await harness.store.waitUntilFinal(second, tenant: PoolHarness.tenant, timeout: .seconds(20))
            )
            #expect(job.state == .succeeded)
        }
    }
}
