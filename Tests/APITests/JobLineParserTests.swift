import Foundation
import Testing

@testable import API
@testable import Jobs

@Suite struct JobLineParserTests {
    let parser = BatchRequestParser(
        lineParser: JobLineParser(router: ModelRouter(providers: testProviders), defaultMaxAttempts: 5),
        maxRequests: 50_000
    )

    func parseJSONL(_ text: String) throws -> BatchRequestParser.Parsed {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { try parser.parseJSONL($0) }
    }

    func problem(_ line: String) -> APIError? {
        do {
            _ = try parseJSONL(line)
            return nil
        } catch let error as APIError {
            return error
        } catch {
            return nil
        }
    }

    @Test func parse_keepsTheBodyBytesUnchanged() throws {
        let body = #"{"model":"mock-chat","temperature":0.70,"messages":[{"role":"user","content":"h\u00e9"}]}"#
        let parsed = try parseJSONL(#"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":\#(body)}"#)
        #expect(parsed.jobs.first.map { String(decoding: $0.body, as: UTF8.self) } == body)
    }

    @Test func parse_withProviderPrefix_splicesOnlyTheModel() throws {
        let parsed = try parseJSONL(
            #"{"url":"/v1/chat/completions","body":{"temperature":0.70, "model" : "other/shared-model","messages":[1]}}"#
        )
        let job = try #require(parsed.jobs.first)
        #expect(
            String(decoding: job.body, as: UTF8.self)
                == #"{"temperature":0.70, "model" : "shared-model","messages":[1]}"#
        )
        #expect(job.provider == "other" && job.model == "shared-model")
    }

    @Test func parse_reportsTheProblemAndLine() {
        let cases: [(String, String)] = [
            (#"[1]"#, "JSON object"),
            (#"{"url":"/v1/completions","body":{"model":"mock-chat"}}"#, "url"),
            (#"{"method":"GET","url":"/v1/chat/completions","body":{"model":"mock-chat","messages":[1]}}"#, "method"),
            (#"{"url":"/v1/chat/completions","body":"hi"}"#, "body"),
            (#"{"url":"/v1/chat/completions","body":{"messages":[1]}}"#, "body.model"),
            (#"{"url":"/v1/chat/completions","body":{"model":"mock-chat","messages":[]}}"#, "body.messages"),
            (#"{"url":"/v1/embeddings","body":{"model":"mock-embed"}}"#, "body.input"),
            (#"{"url":"/v1/embeddings","body":{"model":"mock-embed","input":"x"},"priority":true}"#, "priority"),
            (#"{"url":"/v1/embeddings","body":{"model":"mock-embed","input":"x"},"priority":1.5}"#, "priority"),
            (#"{"url":"/v1/embeddings","body":{"model":"mock-embed","input":"x"},"max_attempts":0}"#, "max_attempts"),
            (#"{"url":"/v1/embeddings","body":{"model":"mock-embed","input":"x"},"metadata":{"a":1}}"#, "metadata"),
            (#"{"url":"/v1/embeddings","body":{"model":"mock-embed","input":"x"},"custom_id":5}"#, "custom_id"),
        ]
        for (line, field) in cases {
            let error = problem("\n\(line)")
            #expect(error?.param == "line 2", "\(line)")
            #expect(error?.message.hasPrefix("Line 2:") == true, "\(line)")
            #expect(error?.message.contains(field) == true, "\(line): \(error?.message ?? "")")
        }
    }

    /// Validates a 50,000-line batch and reports the rate (measured, not asserted: timings are noisy).
    @Test(.timeLimit(.minutes(1)))
    func parse_fiftyThousandLines_reportsThroughput() throws {
        let lines = (0..<50_000).map { index in
            #"{"custom_id":"request-\#(index)","method":"POST","url":"/v1/chat/completions","body":{"model":"mock-chat","messages":[{"role":"system","content":"You are a helpful classifier."},{"role":"user","content":"Classify document number \#(index) into one of ten categories."}],"max_tokens":16}}"#
        }
        let text = lines.joined(separator: "\n")
        let clock = ContinuousClock()
        var parsed: BatchRequestParser.Parsed?
        let elapsed = try clock.measure { parsed = try parseJSONL(text) }
        #expect(parsed?.jobs.count == 50_000)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "JobLineParser: 50,000 lines (\(text.utf8.count) bytes) in \(seconds) s = \(Int(50_000 / seconds)) lines/s"
        )
    }
}
