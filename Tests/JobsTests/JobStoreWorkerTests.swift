import Foundation
import Testing

@testable import Jobs

@Suite struct JobStoreWorkerTests {
    @Test(.timeLimit(.minutes(1))) func claim_ordersByPriorityThenFIFO() async throws {
        try await withStore { store, _ in
            let low1 = try await store.insertJob(newJob(priority: 0), tenant: "a", idempotencyKey: nil, now: t0)
            let high1 = try await store.insertJob(newJob(priority: 5), tenant: "a", idempotencyKey: nil, now: t0)
            let low2 = try await store.insertJob(newJob(priority: 0), tenant: "a", idempotencyKey: nil, now: t0)
            let high2 = try await store.insertJob(newJob(priority: 5), tenant: "a", idempotencyKey: nil, now: t0)
            _ = try await store.insertJob(newJob(provider: "other"), tenant: "a", idempotencyKey: nil, now: t0)

            let first = try await store.claim(provider: "mock", limit: 3, leaseDuration: .seconds(60), now: t0)
            #expect(first.map(\.id) == [high1.id, high2.id, low1.id])
            let rest = try await store.claim(provider: "mock", limit: 10, leaseDuration: .seconds(60), now: t0)
            #expect(rest.map(\.id) == [low2.id])
        }
    }

    @Test(.timeLimit(.minutes(1))) func claim_setsLeaseAttemptAndRunningState() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(maxAttempts: 4), tenant: "a", idempotencyKey: nil, now: t0)
            let claims = try await store.claim(provider: "mock", limit: 5, leaseDuration: .seconds(30), now: t0)
            let claimed = try #require(claims.first)
            #expect(claims.count == 1)
            #expect(claimed.id == job.id)
            #expect(claimed.attempt == 1)
            #expect(claimed.maxAttempts == 4)
            #expect(claimed.tenant == "a")
            #expect(claimed.body == job.body)
            let running = try #require(try await store.job(job.id, tenant: "a"))
            #expect(running.state == .running)
            #expect(running.startedAt == t0)
            #expect(try await store.claim(provider: "mock", limit: 5, leaseDuration: .seconds(30), now: t0).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1))) func claim_givesEachClaimAFreshLeaseToken() async throws {
        try await withStore { store, _ in
            for _ in 0..<20 { _ = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0) }
            let claims = try await store.claim(provider: "mock", limit: 20, leaseDuration: .seconds(30), now: t0)
            #expect(Set(claims.map(\.lease.token)).count == 20)
        }
    }

    @Test(.timeLimit(.minutes(1))) func claim_whenRunAtIsInTheFuture_doesNotClaimUntilThen() async throws {
        try await withStore { store, _ in
            let later = t0.addingTimeInterval(60)
            let job = try await store.insertJob(newJob(runAt: later), tenant: "a", idempotencyKey: nil, now: t0)
            #expect(try await store.claimOne(now: t0) == nil)
            #expect(try await store.claimOne(now: later)?.id == job.id)
        }
    }

    @Test(.timeLimit(.minutes(1))) func claim_whenDeadlinePassed_doesNotClaim() async throws {
        try await withStore { store, _ in
            _ = try await store.insertJob(
                newJob(deadline: t0.addingTimeInterval(10)),
                tenant: "a",
                idempotencyKey: nil,
                now: t0
            )
            #expect(try await store.claimOne(now: t0.addingTimeInterval(11)) == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func complete_storesResponseAndUsage() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            let response = okResponse(prompt: 12, completion: 7)
            #expect(try await store.complete(claimed.lease, response: response, now: t0.addingTimeInterval(2)))
            let done = try #require(try await store.job(job.id, tenant: "a"))
            #expect(done.state == .succeeded)
            #expect(done.response == response)
            #expect(done.finishedAt == t0.addingTimeInterval(2))
            #expect(done.error == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func complete_withStaleLease_isRefusedAndChangesNothing() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let first = try #require(try await store.claimOne(now: t0, lease: .seconds(10)))
            // The lease expires; maintenance hands the job back and another worker claims it.
            #expect(try await store.rescueExpiredLeases(now: t0.addingTimeInterval(11)) == 1)
            let second = try #require(try await store.claimOne(now: t0.addingTimeInterval(12)))
            #expect(second.lease.token != first.lease.token)
            let before = try #require(try await store.job(job.id, tenant: "a"))

            #expect(
                try await store.complete(first.lease, response: okResponse(), now: t0.addingTimeInterval(13)) == false
            )
            #expect(try await store.fail(first.lease, response: nil, failure: .init(code: "x", message: "y")) == false)
            #expect(try await store.retry(first.lease, at: t0, failure: nil, countsAttempt: true) == false)
            #expect(try await store.acknowledgeCancel(first.lease) == false)
            #expect(try await store.heartbeat([first.lease], leaseDuration: .seconds(60)).isEmpty)

            let after = try #require(try await store.job(job.id, tenant: "a"))
            #expect(after.state == .running)
            #expect(after.response == nil)
            #expect(after.attempt == before.attempt)
            // The current holder still can.
            #expect(try await store.complete(second.lease, response: okResponse(), now: t0.addingTimeInterval(14)))
            #expect(
                try await store.complete(second.lease, response: okResponse(), now: t0.addingTimeInterval(15)) == false
            )
        }
    }

    @Test(.timeLimit(.minutes(1))) func fail_storesFailureAndProviderAnswer() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            let answer = JobResponse(statusCode: 400, requestID: "r", body: Data("bad".utf8), usage: nil)
            let failure = JobFailure(code: "invalid_request", message: "The provider rejected the request.")
            #expect(try await store.fail(claimed.lease, response: answer, failure: failure, now: t0))
            let failed = try #require(try await store.job(job.id, tenant: "a"))
            #expect(failed.state == .failed)
            #expect(failed.response == answer)
            #expect(failed.error == failure)
        }
    }

    @Test(.timeLimit(.minutes(1))) func retry_countingTheAttempt_requeuesAtRunAtWithAttemptKept() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(maxAttempts: 3), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            let later = t0.addingTimeInterval(30)
            let failure = JobFailure(code: "server_error", message: "503")
            #expect(try await store.retry(claimed.lease, at: later, failure: failure, countsAttempt: true, now: t0))
            let queued = try #require(try await store.job(job.id, tenant: "a"))
            #expect(queued.state == .queued)
            #expect(queued.attempt == 1)
            #expect(queued.runAt == later)
            #expect(queued.error == failure)
            #expect(try await store.claimOne(now: t0.addingTimeInterval(29)) == nil)
            #expect(try await store.claimOne(now: later)?.attempt == 2)
        }
    }

    @Test(.timeLimit(.minutes(1))) func retry_notCountingTheAttempt_givesTheAttemptBack() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(maxAttempts: 1), tenant: "a", idempotencyKey: nil, now: t0)
            for _ in 0..<3 {
                let claimed = try #require(try await store.claimOne())
                #expect(claimed.attempt == 1)
                #expect(try await store.retry(claimed.lease, at: t0, failure: nil, countsAttempt: false, now: t0))
            }
            #expect(try await store.job(job.id, tenant: "a")?.attempt == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func retry_countingTheLastAttempt_failsTheJob() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(maxAttempts: 1), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne())
            let failure = JobFailure(code: "server_error", message: "503")
            #expect(try await store.retry(claimed.lease, at: t0, failure: failure, countsAttempt: true, now: t0))
            let failed = try #require(try await store.job(job.id, tenant: "a"))
            #expect(failed.state == .failed)
            #expect(failed.error == failure)
        }
    }

    @Test(.timeLimit(.minutes(1))) func heartbeat_extendsTheLease_andReportsCancellationRequests() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claimed = try #require(try await store.claimOne(now: t0, lease: .seconds(10)))
            #expect(
                try await store.heartbeat([claimed.lease], leaseDuration: .seconds(10), now: t0.addingTimeInterval(8))
                    .isEmpty
            )
            // The extended lease has not expired at t0+12.
            #expect(try await store.rescueExpiredLeases(now: t0.addingTimeInterval(12)) == 0)
            _ = try await store.cancelJob(job.id, tenant: "a", now: t0.addingTimeInterval(13))
            let flagged = try await store.heartbeat(
                [claimed.lease],
                leaseDuration: .seconds(10),
                now: t0.addingTimeInterval(14)
            )
            #expect(flagged == [job.id])
        }
    }

    @Test(.timeLimit(.minutes(1))) func renewLeases_reportsTheLeasesNoLongerHeld() async throws {
        try await withStore { store, _ in
            let job = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let other = try await store.insertJob(newJob(), tenant: "a", idempotencyKey: nil, now: t0)
            let claims = try await store.claim(provider: "mock", limit: 2, leaseDuration: .seconds(10), now: t0)
            let old = try #require(claims.first { $0.id == job.id })
            let cancelled = try #require(claims.first { $0.id == other.id })
            _ = try await store.cancelJob(other.id, tenant: "a", now: t0.addingTimeInterval(1))
            // The first job is taken back and claimed again: its old lease is lost, the new one is held.
            #expect(try await store.rescueExpiredLeases(now: t0.addingTimeInterval(11)) == 2)
            let again = try #require(try await store.claimOne(now: t0.addingTimeInterval(12)))
            #expect(again.id == job.id)

            let renewal = try await store.renewLeases(
                [old.lease, again.lease, cancelled.lease],
                leaseDuration: .seconds(10),
                now: t0.addingTimeInterval(13)
            )
            #expect(renewal.lost == [old.lease, cancelled.lease])  // the cancelled job ended at the rescue
            #expect(renewal.cancelRequested.isEmpty)
            let renewed = try await store.renewLeases([again.lease], leaseDuration: .seconds(10), now: t0)
            #expect(renewed == LeaseRenewal(cancelRequested: [], lost: []))
        }
    }
}
