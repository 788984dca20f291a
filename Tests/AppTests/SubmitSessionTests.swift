import Foundation
import Testing

@testable import App

@Suite struct SubmitSessionTests {
    @Test(arguments: [
        ("out.jsonl", "out.errors.jsonl"), ("dir/results", "dir/results.errors.jsonl"),
        ("a.b.jsonl", "a.b.errors.jsonl"),
    ])
    func errorsPath_insertsErrorsBeforeTheExtension(output: String, errors: String) {
        #expect(SubmitSession.Options.errorsPath(forOutput: output) == errors)
        #expect(SubmitSession.Options(input: "in.jsonl", output: output).errors == errors)
    }

    @Test func defaultOutput_isBesideTheInput() {
        #expect(SubmitSession.Options.defaultOutput(forInput: "data/prompts.jsonl") == "data/prompts.output.jsonl")
        #expect(SubmitSession.Options.defaultOutput(forInput: "prompts") == "prompts.output.jsonl")
    }

    @Test func split_successesToOutput_everythingElseToErrors() {
        let lines = [
            #"{"id":"batch_req_1","custom_id":"a","response":{"status_code":200,"body":{}},"error":null}"#,
            #"{"id":"batch_req_2","custom_id":"b","response":{"status_code":400,"body":{}},"error":null}"#,
            #"{"id":"batch_req_3","custom_id":"c","response":null,"error":{"code":"batch_expired","message":"x"}}"#,
            "not json",
            "",
            #"{"id":"batch_req_4","custom_id":"d","response":{"status_code":201,"body":{}}}"#,
        ]
        let split = SubmitSession.split(results: Data(lines.joined(separator: "\n").utf8))
        #expect(split.output.map { String(decoding: $0, as: UTF8.self) } == [lines[0], lines[5]])
        #expect(split.errors.map { String(decoding: $0, as: UTF8.self) } == [lines[1], lines[2], lines[3]])
    }

    @Test func idempotencyKey_dependsOnlyOnTheBytes() {
        let a = SubmitSession.idempotencyKey(for: Data("line\n".utf8))
        #expect(a == SubmitSession.idempotencyKey(for: Data("line\n".utf8)))
        #expect(a != SubmitSession.idempotencyKey(for: Data("line \n".utf8)))
        #expect(a.hasPrefix("sluice-submit-") && a.count == "sluice-submit-".count + 32)
    }

    @Test func batchState_readsCountsUsageAndCost() throws {
        let state = try SubmitSession.BatchState([
            "id": "batch_7", "status": "in_progress", "created_at": 5,
            "request_counts": ["total": 10, "completed": 6, "failed": 1],
            "usage": ["total_tokens": 1_234], "known_cost_micros": 77, "unknown_cost_requests": 0,
        ])
        #expect(state.id == "batch_7" && !state.isFinal)
        let progress = state.progress(elapsed: .seconds(2), doneAtStart: 3)
        #expect(progress.total == 10 && progress.done == 7 && progress.failed == 1)
        #expect(progress.tokens == 1_234 && progress.costMicros == 77 && !progress.costIsPartial)
        #expect(throws: ClientError.self) { try SubmitSession.BatchState(["status": "completed"]) }
    }

    @Test func exitCode_saysWhetherEveryLineSucceeded() {
        var summary = SubmitSession.Summary(
            batchID: "batch_1",
            status: "completed",
            total: 3,
            succeeded: 3,
            failed: 0,
            tokens: 0,
            knownCostMicros: 0,
            unknownCostRequests: 0,
            outputLines: 3,
            errorLines: 0,
            reused: false
        )
        #expect(summary.exitCode == 0)
        summary.outputLines = 2
        summary.errorLines = 1
        #expect(summary.exitCode == 1)
        summary.status = "expired"
        #expect(summary.exitCode == 2)
    }
}

@Suite struct SubmitSessionFilesTests {
    @Test func multipart_holdsPurposeAndTheFileBetweenBoundaries() {
        let body = SubmitSession.multipart(Data("{\"a\":1}\n".utf8), filename: "in\"put.jsonl", boundary: "B0")
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.hasPrefix("--B0\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--B0\r\n"))
        #expect(text.contains("name=\"file\"; filename=\"in_put.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n"))
        #expect(text.hasSuffix("{\"a\":1}\n\r\n--B0--\r\n"))
    }

    @Test func endpoint_isTheFirstLinesURL() throws {
        let body = Data(
            "\n  \n{\"custom_id\":\"a\",\"url\":\"/v1/embeddings\"}\n{\"url\":\"/v1/chat/completions\"}\n".utf8
        )
        #expect(try SubmitSession.endpoint(of: body) == "/v1/embeddings")
        #expect(throws: ClientError.self) { try SubmitSession.endpoint(of: Data("not json\n".utf8)) }
    }
}
