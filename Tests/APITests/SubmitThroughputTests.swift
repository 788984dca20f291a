import Foundation
import Testing
import Workers

@testable import API
@testable import Jobs

@Suite struct SubmitThroughputTests {
    /// Submits one 50,000-line JSONL batch through the live server and reports lines per second
    /// (measured, not asserted: timings are noisy). `Scripts/bench` is where the number is recorded.
    @Test(.timeLimit(.minutes(1)))
    func submit_fiftyThousandLineBatch_commitsEveryLineAndReportsThroughput() async throws {
        try await APITestServer.with { server in
            let lines = (0..<50_000).map { index in
                #"{"custom_id":"request-\#(index)","method":"POST","url":"/v1/chat/completions","body":{"model":"mock-chat","messages":[{"role":"user","content":"Classify document number \#(index)."}],"max_tokens":16}}"#
            }
            let body = Data(lines.joined(separator: "\n").utf8)
            let clock = ContinuousClock()
            var response: Workers.HTTPResponse?
            let elapsed = try await clock.measure {
                response = try await server.send(
                    "POST",
                    "/v1/batches",
                    headers: [("content-type", "application/jsonl")],
                    body: body
                )
            }
            #expect(response?.status == 202)
            let counts = try response?.json()["request_counts"] as? [String: Int]
            #expect(counts?["total"] == 50_000)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(
                "POST /v1/batches: 50,000 lines (\(body.count) bytes) in \(seconds) s = \(Int(50_000 / seconds)) lines/s"
            )
        }
    }
}
