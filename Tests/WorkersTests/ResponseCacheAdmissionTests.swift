import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import Jobs
@testable import Workers

/// A real store and a `WorkerPool` over a `FakeTransport` whose lane runs the response cache as its first step.
private struct CacheHarness {
    static let provider = "fake"

    let store: JobStore
    let transport: FakeTransport
    let cache: ResponseCache
    let pool: WorkerPool

    static func with(
        scope: ResponseCache.Configuration.Scope = .tenant,
        script: @escaping FakeTransport.Script,
        _ body: (CacheHarness) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "cache-tests")
        logger.logLevel = .warning
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: logger
        )
        defer { store.close() }
        let cache = ResponseCache(store: store, configuration: .init(scope: scope), logger: logger)
        var configuration = PoolHarness.configuration()
        configuration.admission = { provider in [cache.admission(for: provider)] }
        let transport = FakeTransport(script: script)
        let pool = try WorkerPool(
            store: store,
            transport: transport,
            providers: [
                ProviderConfiguration(
                    name: provider,
                    kind: .openai,
                    baseURL: "http://fake.invalid/v1",
                    models: ["mock-chat"],
                    // Known limits: with unknown ones the adaptive window (4) would count the waiting followers.
                    limits: .init(rpm: 600_000, tpm: 600_000_000, maxConcurrency: 16)
                )
            ],
            configuration: configuration,
            environment: [:],
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [pool], logger: logger))
        let harness = CacheHarness(store: store, transport: transport, cache: cache, pool: pool)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body(harness)
            } catch {
                transport.releaseAll()
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static let body = #"{"model":"mock-chat","temperature":0,"messages":[{"role":"user","content":"same"}]}"#

    func insert(
        body: String = CacheHarness.body,
        tenant: String = "acme",
        cache mode: CacheMode = .auto
    ) async throws -> JobID {
        let job = try await store.insertJob(
            NewJob(
                customID: nil,
                provider: Self.provider,
                model: "mock-chat",
                endpoint: "/v1/chat/completions",
                body: Data(body.utf8),
                maxAttempts: 3,
                cache: mode
            ),
            tenant: tenant,
            idempotencyKey: nil
        )
        pool.wake(provider: Self.provider)
        return job.id
    }

    func final(_ id: JobID, tenant: String = "acme") async throws -> Job {
        let job = try #require(try await store.waitUntilFinal(id, tenant: tenant, timeout: .seconds(30)))
        try #require(job.state.isFinal, "job \(id) is still \(job.state)")
        return job
    }

    func key(body: String = CacheHarness.body, tenant: String = "acme") throws -> Data {
        RequestFingerprint(
            family: .openai,
            model: "mock-chat",
            endpoint: "/v1/chat/completions",
            body: try CanonicalJSON(parsing: Array(body.utf8)),
            tenant: cache.configuration.scope == .tenant ? tenant : nil
        ).key
    }
}

@Suite struct ResponseCacheAdmissionTests {
    @Test(.timeLimit(.minutes(1))) func identicalJobsInFlight_makeOneUpstreamCall_andTheFollowersAreCacheHits()
        async throws
    {
        try await CacheHarness.with(script: FakeTransport.always(.hold)) { harness in
            let count = 6
            var ids: [JobID] = []
            for _ in 0..<count { ids.append(try await harness.insert()) }
            let key = try harness.key()
            try await eventually("one call is held and the others wait for it") {
                harness.transport.heldCount == 1 && harness.cache.waiting(on: key) == count - 1
            }
            #expect(harness.transport.calls == 1)
            harness.transport.releaseAll()
            for id in ids { #expect(try await harness.final(id).state == .succeeded) }
            #expect(harness.transport.calls == 1)
            let statistics = harness.cache.statistics
            #expect(statistics.misses == 1 && statistics.inFlightHits == count - 1 && statistics.stored == 1)

            var hits = 0
            for id in ids {
                let entries = try await harness.store.ledgerEntries(job: id)
                #expect(entries.count == 1)
                if entries.first?.cacheHit == true {
                    hits += 1
                    #expect(entries.first?.costMicros == 0)
                    #expect((entries.first?.savedMicros ?? 0) > 0)
                } else {
                    #expect((entries.first?.costMicros ?? 0) > 0)
                }
            }
            #expect(hits == count - 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func aRepeatAfterTheAnswer_isServedFromTheStore_withoutACall() async throws {
        try await CacheHarness.with(script: FakeTransport.always(.respond(FakeTransport.ok()))) { harness in
            let first = try await harness.final(try await harness.insert())
            let second = try await harness.final(try await harness.insert())
            #expect(harness.transport.calls == 1)
            #expect(second.state == .succeeded)
            #expect(second.response?.body == first.response?.body)
            #expect(second.cost.knownCostMicros == 0)
            #expect(second.cost.savedMicros == first.cost.knownCostMicros)
            #expect(harness.cache.statistics.storeHits == 1)
            #expect(try await harness.store.cachedResponse(key: try harness.key())?.hits == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func anotherTenant_isNotServedTheAnswer_unlessTheCacheIsGlobal() async throws {
        try await CacheHarness.with(script: FakeTransport.always(.respond(FakeTransport.ok()))) { harness in
            _ = try await harness.final(try await harness.insert(tenant: "acme"))
            _ = try await harness.final(try await harness.insert(tenant: "globex"), tenant: "globex")
            #expect(harness.transport.calls == 2)
        }
        try await CacheHarness.with(scope: .global, script: FakeTransport.always(.respond(FakeTransport.ok()))) {
            harness in
            _ = try await harness.final(try await harness.insert(tenant: "acme"))
            _ = try await harness.final(try await harness.insert(tenant: "globex"), tenant: "globex")
            #expect(harness.transport.calls == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func theControls_bypassRefreshAndSampledChat() async throws {
        try await CacheHarness.with(script: FakeTransport.always(.respond(FakeTransport.ok()))) { harness in
            _ = try await harness.final(try await harness.insert())
            _ = try await harness.final(try await harness.insert(cache: .bypass))
            #expect(harness.transport.calls == 2)
            _ = try await harness.final(try await harness.insert(cache: .refresh))
            #expect(harness.transport.calls == 3)
            _ = try await harness.final(try await harness.insert())
            #expect(harness.transport.calls == 3)

            let sampled = #"{"model":"mock-chat","messages":[{"role":"user","content":"sampled"}]}"#
            _ = try await harness.final(try await harness.insert(body: sampled))
            _ = try await harness.final(try await harness.insert(body: sampled))
            #expect(harness.transport.calls == 5)
            _ = try await harness.final(try await harness.insert(body: sampled, cache: .use))
            _ = try await harness.final(try await harness.insert(body: sampled, cache: .use))
            #expect(harness.transport.calls == 6)
        }
    }

    @Test(.timeLimit(.minutes(1))) func whenTheLeaderFails_aFollowerCallsUpstream_andTheRestShareItsAnswer()
        async throws
    {
        let script = FakeTransport.first(.respond(FakeTransport.error(400)), then: .respond(FakeTransport.ok()))
        try await CacheHarness.with(script: script) { harness in
            var ids: [JobID] = []
            for _ in 0..<5 { ids.append(try await harness.insert()) }
            var states: [JobState] = []
            for id in ids { states.append(try await harness.final(id).state) }
            #expect(states.filter { $0 == .failed }.count == 1)
            #expect(states.filter { $0 == .succeeded }.count == 4)
            #expect(harness.transport.calls == 2)
        }
    }

    @Test(.timeLimit(.minutes(1))) func aWaitingFollowerCancelled_endsCancelled_andTheLeaderStillAnswers()
        async throws
    {
        try await CacheHarness.with(script: FakeTransport.always(.hold)) { harness in
            let leader = try await harness.insert()
            let key = try harness.key()
            try await eventually("the leader's call is held") { harness.transport.heldCount == 1 }
            let follower = try await harness.insert()
            try await eventually("the follower waits") { harness.cache.waiting(on: key) == 1 }
            _ = try await harness.store.cancelJob(follower, tenant: "acme")
            #expect(try await harness.final(follower).state == .cancelled)
            #expect(harness.cache.waiting(on: key) == 0)
            harness.transport.releaseAll()
            #expect(try await harness.final(leader).state == .succeeded)
            #expect(harness.transport.calls == 1)
        }
    }
}
