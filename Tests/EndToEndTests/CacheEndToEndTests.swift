import App
import Foundation
import MockProvider
import Testing
import Workers

/// The response cache through the real stack: the same batches submitted twice make no new upstream calls the
/// second time (the mock provider's stats), cost nothing and report what they saved; another tenant submitting
/// them makes its own calls.
@Suite(.serialized) struct CacheEndToEndTests {
    static let chatLines = 40
    static let embedLines = 20

    @Test(.timeLimit(.minutes(3)))
    func sameBatchTwice_secondMakesNoUpstreamCalls_costsNothing_andReportsTheSaving() async throws {
        let harness = try await EndToEndHarness()
        try await harness.withServer { client in
            let admin = client

            let first = try await Self.submitBoth(admin)
            let afterFirst = harness.mock.stats.snapshot
            #expect(afterFirst.requests == Self.chatLines + Self.embedLines)
            for batch in first {
                #expect(batch.status == "completed")
                #expect((batch.costMicros ?? 0) > 0)
                #expect(batch.savedMicros == 0)
            }

            let second = try await Self.submitBoth(admin)
            let afterSecond = harness.mock.stats.snapshot
            #expect(afterSecond.requests == afterFirst.requests, "the second submission called upstream")
            #expect(afterSecond.models == afterFirst.models)
            for (original, repeated) in zip(first, second) {
                #expect(repeated.status == "completed")
                #expect(repeated.completed == original.completed)
                #expect(repeated.costMicros == 0)
                #expect(repeated.savedMicros == original.costMicros)
                // The same answers, line for line.
                let before = try await admin.resultBodies(original.id)
                let after = try await admin.resultBodies(repeated.id)
                #expect(after.count == before.count && after == before)
            }
            let figures = zip(first, second).map {
                "\($0.0.costMicros ?? -1) µ$ then \($0.1.costMicros ?? -1) µ$ (saved \($0.1.savedMicros ?? -1) µ$)"
            }
            print("cache end-to-end: \(afterFirst.requests) upstream calls for both submissions; \(figures)")

            // Another tenant asking the very same questions is not served the first tenant's answers.
            let globex = try await admin.makeTenant("globex")
            let other = try await Self.submitBoth(client.authenticated(as: globex))
            let afterOther = harness.mock.stats.snapshot
            #expect(afterOther.requests == afterFirst.requests + Self.chatLines + Self.embedLines)
            for (original, theirs) in zip(first, other) {
                #expect(theirs.status == "completed")
                #expect(theirs.costMicros == original.costMicros)
                #expect(theirs.savedMicros == 0)
            }

            // The ledger's view: the repeat's rows are cache hits, the other tenant's are not.
            let (status, usage) = try await admin.get("/v1/usage")
            #expect(status == 200)
            let total = try #require((usage["data"] as? [[String: Any]])?.first)
            #expect(total["cache_hits"] as? Int == Self.chatLines + Self.embedLines)
        }
        try await harness.shutdown()
    }

    /// Submits the temperature-0 chat batch and the embeddings batch, waits for both, and returns them.
    static func submitBoth(_ client: ServerClient) async throws -> [BatchFigures] {
        let chat = try await client.post(
            "/v1/batches",
            body: cachedChatBatch(lines: chatLines),
            contentType: "application/jsonl"
        )
        let embed = try await client.post(
            "/v1/batches",
            body: cachedEmbeddingBatch(lines: embedLines),
            contentType: "application/jsonl"
        )
        #expect(chat.status == 202 && embed.status == 202)
        var batches: [BatchFigures] = []
        for id in [chat.json["id"] as? String, embed.json["id"] as? String] {
            batches.append(BatchFigures(try await client.waitForBatch(try #require(id))))
        }
        return batches
    }
}

/// A batch object's status and cost figures.
struct BatchFigures {
    var id: String
    var status: String?
    var completed: Int?
    var costMicros: Int?
    var savedMicros: Int?

    init(_ object: [String: Any]) {
        id = object["id"] as? String ?? ""
        status = object["status"] as? String
        completed = (object["request_counts"] as? [String: Any])?["completed"] as? Int
        costMicros = object["cost_micros"] as? Int
        savedMicros = object["saved_micros"] as? Int
    }
}

extension ServerClient {
    /// The response body of each result line, by `custom_id`, re-serialised with sorted keys.
    func resultBodies(_ id: String) async throws -> [String: String] {
        let response = try await getRaw("/v1/batches/\(id)/results")
        #expect(response.status == 200)
        var bodies: [String: String] = [:]
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n") {
            let object = try ServerClient.object(Data(line.utf8))
            let customID = try #require(object["custom_id"] as? String)
            let answer = try #require(object["response"] as? [String: Any])
            #expect(answer["status_code"] as? Int == 200)
            let body = try JSONSerialization.data(withJSONObject: answer["body"] ?? NSNull(), options: [.sortedKeys])
            bodies[customID] = String(decoding: body, as: UTF8.self)
        }
        return bodies
    }
}

/// A JSONL batch of temperature-0 chat lines `prefix-0 … prefix-(n-1)`, each a different question.
func cachedChatBatch(lines: Int, prefix: String = "t0") -> Data {
    var text = ""
    for i in 0..<lines {
        text +=
            #"{"custom_id":"\#(prefix)-\#(i)","method":"POST","url":"/v1/chat/completions","body":{"model":"mock-chat","temperature":0,"messages":[{"role":"user","content":"Classify document \#(i)"}]}}"#
        text += "\n"
    }
    return Data(text.utf8)
}

/// A JSONL batch of embedding lines `prefix-0 … prefix-(n-1)`, each long enough (a few hundred tokens) to cost
/// at least a micro-dollar at the mock's made-up price.
func cachedEmbeddingBatch(lines: Int, prefix: String = "emb") -> Data {
    var text = ""
    for i in 0..<lines {
        let input = String(repeating: "paragraph \(i) of a long document ", count: 60)
        text +=
            #"{"custom_id":"\#(prefix)-\#(i)","method":"POST","url":"/v1/embeddings","body":{"model":"mock-embed","input":"\#(input)"}}"#
        text += "\n"
    }
    return Data(text.utf8)
}
