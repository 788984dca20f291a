import Foundation
import Testing

@testable import Jobs
@testable import Workers

/// What a lane hands the cost ledger.
@Suite struct LaneBillingTests {
    @Test(.timeLimit(.minutes(1))) func run_whenARetriedErrorReportedUsage_billsBothAttempts() async throws {
        let body = """
            {"error":{"message":"upstream broke mid-answer","type":"server_error","code":"boom"},\
            "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}
            """
        let billedError = HTTPResponse(status: 500, headers: [("x-request-id", "req_500")], body: Data(body.utf8))
        let script = FakeTransport.first(
            .respond(billedError),
            then: .respond(FakeTransport.ok(promptTokens: 7, completionTokens: 3))
        )
        try await PoolHarness.with(script: script) { harness in
            let id = try await harness.insert("billed-twice")
            let job = try await harness.final(id)
            #expect(job.state == .succeeded)
            #expect(job.attempt == 2)
            let rows = try await harness.store.ledgerEntries(job: id)
            #expect(rows.count == 2)
            #expect(rows.map(\.attempt).sorted() == [1, 2])
            #expect(rows.map(\.usage.promptTokens).sorted() == [5, 7])
        }
    }
}
