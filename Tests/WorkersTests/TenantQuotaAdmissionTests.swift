import Foundation
import Logging
import Testing

@testable import Jobs
@testable import Workers

@Suite struct TenantQuotaAdmissionTests {
    /// `mock-chat` in the builtin table: $0.50 / 1M input, $1.50 / 1M output.
    static func job(model: String = "mock-chat", deadline: Date? = nil, lease: Int64 = 1) -> ClaimedJob {
        ClaimedJob(
            lease: JobLease(jobID: JobID(lease), token: lease),
            tenant: "acme",
            batchID: nil,
            customID: nil,
            provider: "mock",
            model: model,
            endpoint: "/v1/chat/completions",
            body: Data(#"{"model":"mock-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":20}"#.utf8),
            priority: 0,
            attempt: 1,
            maxAttempts: 3,
            deadline: deadline
        )
    }

    static func request(_ job: ClaimedJob) -> AdmissionRequest {
        AdmissionRequest(job: job, estimate: TokenEstimate(job: job, defaultMaxTokens: 1024))
    }

    static func answer(status: Int, usage: TokenUsage?) -> UpstreamOutcome {
        .answered(
            ProviderAnswer(
                response: JobResponse(statusCode: status, requestID: nil, body: Data("{}".utf8), usage: usage),
                headers: [],
                isWellFormed: true,
                errorCode: nil
            ),
            .success
        )
    }

    /// Runs `body` with a quota step over a store on a temporary file.
    static func withStep(_ body: (TenantQuotaAdmission, JobStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-quota-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try JobStore(
            configuration: .init(path: directory.appendingPathComponent("sluice.sqlite").path, synchronous: .normal),
            logger: Logger(label: "quota-tests")
        )
        defer { store.close() }
        try await store.createTenant("acme")
        try await body(TenantQuotaAdmission(quotas: QuotaAccountant(store: store), prices: .builtin), store)
    }

    @Test(.timeLimit(.minutes(1))) func reservation_isOneRequestTheEstimatedTokensAndTheirCost() async throws {
        try await Self.withStep { step, _ in
            let request = Self.request(Self.job())
            // prompt: 3 + 4 + ceil(2 / 4) = 8 tokens; output: max_tokens 20.
            #expect(request.estimate.total == 28)
            // 8 × 0.5 + 20 × 1.5 = 34 micro-dollars.
            #expect(step.reservation(for: request) == QuotaAmount(requests: 1, tokens: 28, micros: 34))
        }
    }

    @Test(.timeLimit(.minutes(1))) func reservation_forAnUnpricedModel_reservesNoDollars() async throws {
        try await Self.withStep { step, _ in
            let request = Self.request(Self.job(model: "unpriced"))
            #expect(step.reservation(for: request) == QuotaAmount(requests: 1, tokens: 28, micros: 0))
        }
    }

    @Test(.timeLimit(.minutes(1))) func charge_countsWhatTheLedgerBills() async throws {
        try await Self.withStep { step, _ in
            let request = Self.request(Self.job())
            let usage = TokenUsage(promptTokens: 8, completionTokens: 12)
            #expect(
                step.charge(for: request, outcome: Self.answer(status: 200, usage: usage))
                    == QuotaAmount(requests: 1, tokens: 20, micros: 22)
            )
            #expect(
                step.charge(for: request, outcome: Self.answer(status: 200, usage: nil)) == QuotaAmount(requests: 1)
            )
            #expect(step.charge(for: request, outcome: Self.answer(status: 500, usage: nil)) == .zero)
            #expect(step.charge(for: request, outcome: Self.answer(status: 400, usage: usage)).micros == 22)
            #expect(step.charge(for: request, outcome: .notSent) == .zero)
            #expect(step.charge(for: request, outcome: .aborted) == .zero)
        }
    }

    @Test(.timeLimit(.minutes(1))) func admit_overQuota_defersWithQuotaExceeded_andSettleFreesRoom() async throws {
        try await Self.withStep { step, _ in
            _ = try await step.quotas.update(tenant: "acme", changes: [QuotaKey(.usd, per: .day): 50])
            let first = Self.request(Self.job(lease: 1))
            let second = Self.request(Self.job(lease: 2))
            guard case .admitted = try await step.admit(first) else {
                Issue.record("the first call fits")
                return
            }
            guard case .deferred(let until, let reason) = try await step.admit(second) else {
                Issue.record("the second call does not fit")
                return
            }
            #expect(reason.code == "quota_exceeded")
            #expect(reason.message.contains("usd_per_day"))
            #expect(until > Date())
            await step.settle(
                first,
                outcome: Self.answer(status: 200, usage: TokenUsage(promptTokens: 8, completionTokens: 2))
            )
            // 4 + 3 = 7 spent, 43 left: the second call (34) fits now.
            guard case .admitted = try await step.admit(second) else {
                Issue.record("the second call fits after the first settled cheaper")
                return
            }
            #expect(step.quotas.reserved(tenant: "acme") == QuotaAmount(requests: 1, tokens: 28, micros: 34))
        }
    }

    @Test(.timeLimit(.minutes(1))) func deferral_waitsForTheResetOrTheNextRecheck() async throws {
        try await Self.withStep { step, _ in
            let now = Date(timeIntervalSince1970: 1_749_995_130)
            #expect(
                step.deferral(until: now.addingTimeInterval(30), deadline: nil, now: now) == now.addingTimeInterval(30)
            )
            #expect(
                step.deferral(until: now.addingTimeInterval(86_400), deadline: nil, now: now)
                    == now.addingTimeInterval(300)
            )
            #expect(
                step.deferral(until: now.addingTimeInterval(0.2), deadline: nil, now: now) == now.addingTimeInterval(1)
            )
        }
    }

    @Test(.timeLimit(.minutes(1))) func deferral_nearTheDeadline_halvesTheTimeLeft_thenGivesUpInTheLastSeconds()
        async throws
    {
        try await Self.withStep { step, _ in
            let now = Date(timeIntervalSince1970: 1_749_995_130)
            let reset = now.addingTimeInterval(86_400)
            let deadline = now.addingTimeInterval(100)
            #expect(step.deferral(until: reset, deadline: deadline, now: now) == now.addingTimeInterval(50))
            #expect(step.deferral(until: reset, deadline: now.addingTimeInterval(1.5), now: now) == reset)
            #expect(
                step.deferral(until: reset, deadline: now.addingTimeInterval(1_000), now: now)
                    == now.addingTimeInterval(300)
            )
        }
    }
}
